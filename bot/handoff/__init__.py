"""Counsellors in Telegram: cards, the conversation relay both ways, closing, rating and follow-ups."""
