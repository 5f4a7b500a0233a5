"""Broadcasts: announcements staff send to subscribed clients, chosen by their profile.

`content` and `audience` check what staff compose, `store` moves a broadcast through its life, `delivery`
hands out and records one row per recipient so sending survives any stop, `presses` records what clients
do with the buttons, `report` counts the outcome, and `workflow` is what staff do (drafts, confirmation,
approval, pause and cancel), authorised and audited.
"""
