"""What clients can do with their own data from the chat: see it, take it as a file, have it erased."""
