"""Announcements to subscribed clients: how they look, the staff's screens, and the sender that delivers
them at Telegram's pace (see karyar/broadcast for the records behind them)."""
