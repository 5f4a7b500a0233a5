"""``PersianFactExtractor``: ages, years at work, places and organisations with endings (``persian/facts.py``) and
the writer's sex where she says what she is («یه خانم ۳۵ ساله‌ام») and the person words whose meaning the message
tells («خانومم میخواد …»: the spouse; ``persian/people.py``) and the situations that
put a client in a target group («شوهرم زندونه», ``persian/situations.py``) and experience said in words («تجربه
که ندارم», «یه مدت شاگرد بودم», ``persian/experience.py``), read by rule.

Python 3.10, like the Rasa server. Put it after the statistical extractor and before
``PersianEntityNormalizer``, which canonicalises the values and keeps the longest span where two extractors
read the same words. From the training data it learns the spoken forms of each place and organisation of the
lookup tables («تهرانم», «یزدی», «امدادیم»), less the words the data uses outside them («فارسی بلدم»).
"""

from __future__ import annotations

import logging
from typing import Any

import rasa.shared.utils.io
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.utils.pattern_utils import read_lookup_table_file
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.components import CreatedUntrained
from persian.experience import experience_in
from persian.facts import Found, ages_and_experience, places_in, spoken_place_forms, words_of
from persian.people import person_words_in, self_described_sex
from persian.situations import situations_in
from persian.text import search_key

logger = logging.getLogger(__name__)

# Names a client says with an ending: places («تهرانم», «یزدی») and the organisations («امدادیم», «بهزیستی‌ام»).
_PLACE_TYPES = ("province", "city", "organisation")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class PersianFactExtractor(CreatedUntrained, GraphComponent, EntityExtractorMixin):
    FILENAME = "persian_fact_places.json"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        forms: dict[str, tuple[str, str]] | None = None,
    ) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self.forms: dict[str, tuple[str, str]] = forms or {}

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> PersianFactExtractor:
        forms = None
        try:
            with model_storage.read_from(resource) as directory:
                path = directory / cls.FILENAME
                if path.is_file():
                    forms = {k: (v[0], v[1]) for k, v in rasa.shared.utils.io.read_json_file(path).items()}
        except ValueError:
            logger.debug("PersianFactExtractor: no stored place forms for %s", resource.name)
        return cls(config, model_storage, resource, forms)

    def train(self, training_data: TrainingData) -> Resource:
        synonyms = {search_key(str(k)): str(v) for k, v in training_data.entity_synonyms.items()}
        places: dict[str, tuple[str, str]] = {}
        for table in training_data.lookup_tables:
            if table.get("name") not in _PLACE_TYPES:
                continue
            elements = table.get("elements")
            if isinstance(elements, str):
                elements = read_lookup_table_file(elements)
            for element in elements or []:
                key = search_key(str(element))
                places[key] = (table["name"], synonyms.get(key, str(element)))
        self.forms = spoken_place_forms(places, _used_otherwise(training_data))
        with self._model_storage.write_to(self._resource) as directory:
            rasa.shared.utils.io.dump_obj_as_json_to_file(directory / self.FILENAME, self.forms)
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            found = [
                *ages_and_experience(text),
                *places_in(text, self.forms),
                *self_described_sex(text),
                *person_words_in(text),
                *situations_in(text),
                *experience_in(text),
            ]
            if found:
                entities = message.get(ENTITIES, []) + [_entity(f) for f in found]
                message.set(ENTITIES, entities, add_to_output=True)
        return messages


def _entity(found: Found) -> dict[str, Any]:
    return {
        ENTITY_ATTRIBUTE_TYPE: found.kind,
        ENTITY_ATTRIBUTE_VALUE: found.value,
        ENTITY_ATTRIBUTE_START: found.start,
        ENTITY_ATTRIBUTE_END: found.end,
        EXTRACTOR: PersianFactExtractor.__name__,
    }


def _used_otherwise(training_data: TrainingData) -> set[str]:
    """Words the training data writes outside any place entity («فارسی بلدم»)."""
    seen: set[str] = set()
    for example in training_data.training_examples:
        spans = [
            (e[ENTITY_ATTRIBUTE_START], e[ENTITY_ATTRIBUTE_END])
            for e in example.get(ENTITIES, []) or []
            # stories' entities carry no offsets («/inform{"organisation": "emdad"}»)
            if e.get(ENTITY_ATTRIBUTE_TYPE) in _PLACE_TYPES and ENTITY_ATTRIBUTE_START in e
        ]
        for key, start, end in words_of(example.get(TEXT) or ""):
            if not any(s <= start and end <= e for s, e in spans):
                seen.add(key)
    return seen
