"""The employer's side of the chat: offers, posting an opening, and its status."""
