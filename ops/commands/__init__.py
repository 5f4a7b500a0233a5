"""The CLI's subcommands by feature: argparse in, the core's units of work, plain text out."""
