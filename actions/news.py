"""Subscribing to announcements (new courses, job fairs) and unsubscribing, as the client asks in the chat.

The change goes on the client's case timeline (`karyar.subscription`); the client is told the state either way,
so «خبرها را بفرست» twice says they already get the news rather than pretending something changed.
"""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from actions._runtime import database, telegram_user_id
from karyar import clients
from karyar.clients import TelegramIdentity
from karyar.subscription import set_subscribed

logger = logging.getLogger(__name__)

# (changed, already in that state) responses for each choice.
_RESPONSES = {
    True: ("utter_subscribe_news", "utter_news_already_subscribed"),
    False: ("utter_unsubscribe_news", "utter_news_already_unsubscribed"),
}


def _subscribe(session: Session, *, user_id: int, subscribed: bool) -> bool:
    """Whether anything changed."""
    client = clients.ensure_client(session, identity=TelegramIdentity(user_id=user_id))
    return set_subscribed(session, client_id=client.id, subscribed=subscribed, source="conversation")


async def answer_subscription(
    dispatcher: CollectingDispatcher, tracker: Tracker, *, subscribed: bool
) -> list[EventType]:
    user_id = telegram_user_id(tracker)
    if user_id is None:
        dispatcher.utter_message(response="utter_news_unavailable")
        return []
    try:
        changed = await database().run_async(_subscribe, user_id=user_id, subscribed=subscribed)
    except SQLAlchemyError as error:
        logger.error(
            "could not change a news subscription, the case database failed: %s", type(error).__name__
        )
        dispatcher.utter_message(response="utter_news_unavailable")
        return []
    done, already = _RESPONSES[subscribed]
    dispatcher.utter_message(response=done if changed else already)
    return []


class ActionSubscribeNews(Action):
    def name(self) -> str:
        return "action_subscribe_news"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await answer_subscription(dispatcher, tracker, subscribed=True)


class ActionUnsubscribeNews(Action):
    def name(self) -> str:
        return "action_unsubscribe_news"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await answer_subscription(dispatcher, tracker, subscribed=False)
