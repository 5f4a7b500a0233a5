"""A client's short résumé built from her facts, corrected in the chat, exported as a PDF, and shared with
an employer only with her consent for that opening."""
