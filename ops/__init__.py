"""The operator's door and process plumbing: the CLI, the launcher of `make run`, Rasa's model and stores,
the migrations runner and local mode. Nothing here is imported by the domain (`karyar`) or the adapters."""
