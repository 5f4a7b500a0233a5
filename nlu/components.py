"""Persian language components for the Rasa 3.6 pipeline (see ``nlu/config.yml``).

This module runs only inside Rasa's own environment (``.venv-rasa``, Python 3.10, with hazm 0.10): keep its
syntax Python-3.10-compatible. The text rules themselves live in ``persian/text.py`` (standard library only), which
the app imports too, so the bot's searches and Rasa see the same normalised text.

Components, in pipeline order:

- ``PersianNormalizer``: rewrites the message text with ``persian.text.normalize`` (Arabic letters, three digit
  scripts, presentation forms, diacritics, kashida, zero-width marks) plus hazm's one-to-one table for rare
  regional letters. It never changes the text's length, so entity offsets stay valid on the original text and
  the training annotations stay aligned. It also normalises entity values, lookup tables and synonyms of the
  training data, so that they match the normalised text.
- ``HazmTokenizer``: hazm's word tokenizer with verb parts kept apart (``join_verb_parts=False``), emoji split
  into their own tokens, punctuation dropped; token offsets point into the message text; token texts have
  ZWNJ removed and letters repeated three or more times squeezed («میییخوام» -> «میخوام»). Never returns an
  empty token list.
- ``PersianEntityNormalizer`` (after the extractors and ``EntitySynonymMapper``): maps entity values to their
  canonical form with a forgiving key (no ZWNJ, no spaces, repeats squeezed), turns ``age`` into ASCII digits
  (also from number words: «بیست و هفت» -> "27") and drops ages it cannot read, turns ``school_grade`` into
  "1".."12" (also from ordinals the tables miss: «کلاس ۱۰ام», «پایه‌ی یازدهمی»), reads a duration given as
  ``work_experience`` («ده ساله» -> "experienced", «شش ماه» -> "some"), drops values of closed-set entities
  that are none of their codes, and resolves overlapping entities (the longest span wins; on equal spans the
  lookup/regex extractor wins over the statistical one), and leaves out values the message says do not hold
  («کمیته امداد نیستم، بهزیستی هستم» gives only behzisti; ``persian/negation.py``). An organisation named as a
  provider («وام بهزیستی چطوریه», «دفتر کمیته کجاست»; ``persian/providers.py``) keeps its entity with the role
  ``provider``: it says what the question is about, not whose client the writer is, so no slot takes it. A
  person word the message tells the meaning of is read so («خانمم ۲۸ سالشه»: subject spouse; «من یه دخترم»:
  gender female; ``persian/people.py``), and a hiring message keeps only its places and trades.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import unicodedata
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple

import rasa.shared.utils.io
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.nlu.utils.pattern_utils import read_lookup_table_file
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_ROLE,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from persian.facts import marker_end
from persian.negation import negated, superseded
from persian.people import person_word_meaning
from persian.providers import PROVIDER_ROLE, named_as_provider
from persian.text import (
    ENCLITIC_ENDINGS,
    ZWNJ,
    normalize,
    parse_persian_number,
    parse_school_grade,
    parse_years,
    search_key,
    squeeze_repeats,
    standard_form,
    to_ascii_digits,
)

logger = logging.getLogger(__name__)

# Extractors whose output comes from lookup tables or regexes; they win ties against statistical ones.
_RULE_BASED_EXTRACTORS = ("RegexEntityExtractor", "PersianFactExtractor")
_SHAPE_EXTRACTOR = "PersianFactExtractor"
# Entities written as a number and a marker of years or months.
_TIMED_ENTITIES = ("age", "work_experience")
# Facts of two values: the one said not to hold tells the other («شاغل نیستم» is «بیکارم»).
_NEGATED_MEANS: Dict[Tuple[Any, Any], str] = {
    ("employment_status", "employed"): "unemployed",
    ("employment_status", "unemployed"): "employed",
}


def _hazm_letter_table() -> Dict[int, str]:
    """hazm's one-to-one letter table, restricted to Arabic-script letters that ``normalize`` leaves alone.

    ``persian.text.normalize`` already decides the common cases (and decides some differently from hazm: «آ» keeps
    its madda and «ئ» stays). hazm adds the rare regional letters (Urdu, Pashto, Sindhi forms such as «ٹ», «ڈ»,
    «ڻ»). Each entry maps one character to one character, so offsets stay valid.
    """
    try:
        from hazm import Normalizer as HazmNormalizer
    except ImportError:  # pragma: no cover - hazm is part of the Rasa environment
        logger.warning("hazm is not installed; PersianNormalizer uses persian.text.normalize only")
        return {}
    hazm_normalizer = HazmNormalizer(correct_spacing=False, decrease_repeated_chars=False)
    table: Dict[int, str] = {}
    for src, dst in zip(hazm_normalizer.translation_src, hazm_normalizer.translation_dst, strict=False):
        code = ord(src)
        is_arabic_script = 0x0600 <= code <= 0x08FF or 0xFB50 <= code <= 0xFEFE
        if is_arabic_script and len(dst) == 1 and normalize(src) == src and src != dst:
            table[code] = dst
    return table


@functools.cache
def _source_fingerprint() -> str:
    """A digest of the code the custom components run (``nlu/``, ``persian/``)."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent
    for path in sorted([*(root / "nlu").glob("*.py"), *(root / "persian").glob("*.py")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()


class _CreatedFromConfig:
    """For components that need nothing but their configuration to be created."""

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        """Rasa reuses a component's cached output while its configuration and inputs stay the same; the code
        is part of what it learns and gives, so a change to it must train again."""
        return _source_fingerprint()

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Any:
        """Creates a new component (see GraphComponent.create)."""
        return cls._new(config, model_storage, resource)

    @classmethod
    def _new(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource) -> Any:
        return cls(config)  # type: ignore[call-arg]


class CreatedUntrained(_CreatedFromConfig):
    """For trainable components, created empty with their configuration and where to store what they learn."""

    @classmethod
    def _new(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource) -> Any:
        return cls(config, model_storage, resource)  # type: ignore[call-arg]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class PersianNormalizer(_CreatedFromConfig, GraphComponent):
    """Normalises Persian message text in place without changing its length."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the component's default config."""
        return {
            # also apply hazm's one-to-one table for rare regional Arabic-script letters
            "use_hazm_letters": True,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        """Creates the normaliser."""
        self._config = {**self.get_default_config(), **config}
        self._extra_table: Dict[int, str] = _hazm_letter_table() if self._config["use_hazm_letters"] else {}

    @staticmethod
    def required_packages() -> List[Text]:
        """hazm provides the extra letter table (optional at run time)."""
        return []

    def normalize_text(self, text: Text) -> Text:
        """``persian.text.normalize`` plus the hazm letter table; same length as ``text``."""
        normalised = normalize(text)
        if self._extra_table:
            normalised = normalised.translate(self._extra_table)
        return normalised

    def _normalize_message(self, message: Message) -> None:
        text = message.get(TEXT)
        if not isinstance(text, str) or not text:
            return
        normalised = self.normalize_text(text)
        if len(normalised) != len(text):  # cannot happen; guards the offset contract
            raise ValueError("PersianNormalizer changed the length of a message")
        message.set(TEXT, normalised)
        for entity in message.get(ENTITIES, []) or []:
            value = entity.get(ENTITY_ATTRIBUTE_VALUE)
            if isinstance(value, str):
                entity[ENTITY_ATTRIBUTE_VALUE] = self.normalize_text(value)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Normalises the examples, their entity values, the lookup tables and the synonyms."""
        for example in training_data.training_examples:
            self._normalize_message(example)
        for table in training_data.lookup_tables:
            elements = table.get("elements")
            if isinstance(elements, list):
                table["elements"] = [self.normalize_text(str(element)) for element in elements]
            elif isinstance(elements, str):  # a file path: read it now so the elements can be normalised
                table["elements"] = [self.normalize_text(e) for e in read_lookup_table_file(elements)]
        training_data.entity_synonyms = {
            self.normalize_text(str(key)): value for key, value in training_data.entity_synonyms.items()
        }
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Normalises the text of incoming messages."""
        for message in messages:
            self._normalize_message(message)
        return messages


def _is_symbol(ch: Text) -> bool:
    """Emoji and other pictographs get a token of their own («ممنون🙏» -> «ممنون», «🙏»)."""
    return unicodedata.category(ch) in ("So", "Sk")


def _is_latin_word(text: Text) -> bool:
    """ASCII letters and digits with at least one letter: «mer30», «2ta»."""
    return text.isascii() and text.isalnum() and any(ch.isalpha() for ch in text)


def _is_droppable(ch: Text) -> bool:
    """Characters trimmed from token edges: ZWNJ, punctuation, and the ZWNJ that stands for marks."""
    return ch == ZWNJ or ch.isspace() or unicodedata.category(ch).startswith("P")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class HazmTokenizer(_CreatedFromConfig, Tokenizer):
    """Persian tokenizer built on hazm's ``WordTokenizer`` with offsets into the message text."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the component's default config."""
        return {
            # Flag to check whether to split intents
            "intent_tokenization_flag": False,
            # Symbol on which intent should be split
            "intent_split_symbol": "_",
            # Regular expression to detect tokens
            "token_pattern": None,
            # Symbol on which prefix should be split
            "prefix_separator_symbol": None,
            # remove ZWNJ from token texts so «می‌خوام» and «میخوام» are the same token
            "remove_zwnj": True,
            # squeeze letters repeated three or more times in token texts
            "squeeze_repeats": True,
            # give informal words their standard form («میخوام» -> «میخواهم») in token texts
            "standard_forms": True,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        """Creates the tokenizer (loads hazm's word list once)."""
        super().__init__({**self.get_default_config(), **config})
        from hazm import WordTokenizer

        self._hazm = WordTokenizer(join_verb_parts=False)
        self._remove_zwnj = bool(self._config.get("remove_zwnj", True))
        self._squeeze = bool(self._config.get("squeeze_repeats", True))
        self._standard_forms = bool(self._config.get("standard_forms", True))

    @staticmethod
    def required_packages() -> List[Text]:
        """Any extra python dependencies required for this component to run."""
        return ["hazm"]

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        """Persian only."""
        return ["fa"]

    def words_with_offsets(self, text: Text) -> List[Tuple[Text, int, int]]:
        """(token text, start, end) for each word of ``text``; offsets index into ``text``."""
        prepared = "".join(f" {ch} " if _is_symbol(ch) else ch for ch in text)
        words = self._hazm.tokenize(prepared)
        spans: List[Tuple[int, int]] = []
        position = 0
        for word in words:
            start = text.find(word, position)
            if start < 0:  # hazm changed the word; skip it rather than guess an offset
                logger.debug("HazmTokenizer could not place %r in %r", word, text)
                continue
            end = start + len(word)
            position = end
            previous = spans[-1] if spans else None
            if previous and previous[1] == start and _is_latin_word(text[previous[0] : end]):
                # hazm splits digits from letters («23سالمه» -> «23», «سالمه»); in Latin-script Persian
                # the digits are part of the word («mer30», «2ta»), so glue those back together
                spans[-1] = (previous[0], end)
            else:
                spans.append((start, end))

        result: List[Tuple[Text, int, int]] = []
        for start, end in spans:
            while start < end and _is_droppable(text[start]):
                start += 1
            while end > start and _is_droppable(text[end - 1]):
                end -= 1
            if start == end:
                continue
            token_text = text[start:end]
            if self._remove_zwnj:
                token_text = token_text.replace(ZWNJ, "")
            if self._squeeze:
                token_text = squeeze_repeats(token_text)
            if self._standard_forms:
                token_text = standard_form(token_text)
            if token_text:
                result.append((token_text, start, end))
        return result

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        """Tokenizes the text of the given attribute of the message."""
        text = message.get(attribute)
        words = self.words_with_offsets(text)
        if not words:
            # e.g. only punctuation («؟؟») or marks: the whole text is one token, as Rasa's tokenizers do
            tokens = [Token(text, 0, len(text))]
        else:
            tokens = [Token(word, start, end) for word, start, end in words]
        return self._apply_token_pattern(tokens)


def _value_end(text: Text, entity: Dict[Text, Any]) -> int:
    """An age or a span of time reaches past its marker («۳۰ سالم| نیست»), where its negation follows."""
    end = int(entity[ENTITY_ATTRIBUTE_END])
    return marker_end(text, end) if entity.get(ENTITY_ATTRIBUTE_TYPE) in _TIMED_ENTITIES else end


def entity_key(value: Text) -> Text:
    """A forgiving comparison key for entity values: normalised, no ZWNJ or spaces, repeats squeezed."""
    return search_key(value).replace(" ", "")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class PersianEntityNormalizer(CreatedUntrained, GraphComponent, EntityExtractorMixin):
    """Canonical entity values, ASCII-digit ages, and one entity per span.

    Put it after the extractors and ``EntitySynonymMapper``. From the training data it learns, per entity type,
    which canonical value each surface form stands for (annotated examples, synonyms and lookup tables), keyed
    by ``entity_key`` so that ZWNJ, spaces and repeated letters do not matter.
    """

    FILENAME = "persian_entity_values.json"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the component's default config."""
        return {
            # entity types whose values are numbers written in digits or words
            "number_entities": ["age"],
            # drop a number entity whose value cannot be read as a number
            "drop_unreadable_numbers": True,
            # smallest and largest number accepted for each number entity
            "number_ranges": {"age": [10, 100]},
            # resolve overlapping entities (longest span wins)
            "resolve_overlaps": True,
            # leave out values the message says do not hold («دیپلم ندارم»; persian/negation.py)
            "drop_negated": True,
            # give the role "provider" to organisations named as the giver of something or a place
            # («وام بهزیستی», «دفتر کمیته کجاست»), not as the writer's own (persian/providers.py)
            "mark_providers": ["organisation"],
            # intents whose writer hires: their entities describe the worker wanted, so only where and in what
            # trade are kept («دو تا خیاط خانم میخوام» gives no gender and no status of the writer's)
            "hiring_intents": ["i_am_employer"],
            "hiring_keeps": ["field", "city", "province"],
            # entity types whose values are school years written as ordinals or digits, and their range
            "grade_entities": ["school_grade"],
            "grade_range": [1, 12],
            # entity types that may be given as a duration («ده ساله»): years -> value (at least that many)
            "duration_entities": {"work_experience": [[0, "some"], [2, "experienced"]]},
            # entity types with a closed set of codes: a value that is none of them is dropped
            "closed_values": {
                "household_role": ["head", "spouse", "child", "other"],
                "emdad_support": ["living_allowance", "single_multi_service"],
                "work_ability": ["full", "limited"],
                "work_experience": ["none", "some", "experienced"],
                "subject": ["self", "spouse", "son", "daughter", "mother", "father", "other"],
            },
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        values: Optional[Dict[Text, Dict[Text, Text]]] = None,
    ) -> None:
        """Creates the component with an optional learned value table."""
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        # entity type -> entity_key(surface form) -> canonical value; "" holds type-less synonyms
        self.values: Dict[Text, Dict[Text, Text]] = values or {}

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "PersianEntityNormalizer":
        """Loads the learned value table (see parent class for full docstring)."""
        values = None
        try:
            with model_storage.read_from(resource) as directory:
                path = directory / cls.FILENAME
                if path.is_file():
                    values = rasa.shared.utils.io.read_json_file(path)
        except ValueError:
            logger.debug("PersianEntityNormalizer: no stored value table for %s", resource.name)
        return cls(config, model_storage, resource, values)

    # --- training -----------------------------------------------------------------------------------------

    def _add(self, entity_type: Text, surface: Text, canonical: Text) -> None:
        key = entity_key(surface)
        if key:
            self.values.setdefault(entity_type, {})[key] = canonical

    def train(self, training_data: TrainingData) -> Resource:
        """Learns surface form -> canonical value for each entity type."""
        synonyms = {entity_key(str(k)): str(v) for k, v in training_data.entity_synonyms.items()}
        self.values = {}
        for surface_key, canonical in synonyms.items():
            self.values.setdefault("", {})[surface_key] = canonical
        for example in training_data.entity_examples:
            text = example.get(TEXT) or ""
            for entity in example.get(ENTITIES, []) or []:
                entity_type = entity.get(ENTITY_ATTRIBUTE_TYPE)
                value = entity.get(ENTITY_ATTRIBUTE_VALUE)
                if not entity_type or value is None:
                    continue
                surface = text[entity[ENTITY_ATTRIBUTE_START] : entity[ENTITY_ATTRIBUTE_END]]
                canonical = synonyms.get(entity_key(str(value)), str(value))
                self._add(entity_type, surface, canonical)
                self._add(entity_type, str(value), canonical)
        for table in training_data.lookup_tables:
            elements = table.get("elements")
            if isinstance(elements, str):
                elements = read_lookup_table_file(elements)
            for element in elements or []:
                element = str(element)
                canonical = synonyms.get(entity_key(element), element)
                self._add(table["name"], element, canonical)
        with self._model_storage.write_to(self._resource) as directory:
            rasa.shared.utils.io.dump_obj_as_json_to_file(directory / self.FILENAME, self.values)
        return self._resource

    # --- inference ----------------------------------------------------------------------------------------

    def canonical_value(self, entity_type: Text, value: Any) -> Optional[Any]:
        """The canonical value for an extracted value; None means "drop this entity"."""
        if entity_type in self._config["number_entities"]:
            return self._number_value(entity_type, value)
        if not isinstance(value, str):
            return value
        known = self._known_value(entity_type, value)
        if entity_type in self._config["grade_entities"]:
            return self._grade_value(entity_type, known if known is not None else value)
        if known is None and entity_type in self._config["duration_entities"]:
            known = self._duration_value(entity_type, value)
        closed = self._config["closed_values"].get(entity_type)
        if closed is not None:
            if known is None and value.strip() in closed:  # already a code (e.g. from a button payload)
                return value.strip()
            return known if known in closed else None
        return known if known is not None else value.strip(" " + ZWNJ)

    def _known_value(self, entity_type: Text, value: Text) -> Optional[Text]:
        """The canonical value the tables give for ``value``, or None."""
        key = entity_key(value)
        for table in (self.values.get(entity_type, {}), self.values.get("", {})):
            if key in table:
                return table[key]
        # a known form with an enclitic or adjective ending: «تهرانم», «مشهدی», «اصفهانیم», «خیاطیم»
        typed = self.values.get(entity_type, {})
        for suffix in ENCLITIC_ENDINGS:
            stem = key[: -len(suffix)]
            if key.endswith(suffix) and len(stem) >= 2 and stem in typed:
                return typed[stem]
        return None

    def _grade_value(self, entity_type: Text, value: Text) -> Optional[Text]:
        """ASCII digits for a school year within the configured range, or None (drop it)."""
        digits = to_ascii_digits(normalize(value)).strip()
        number = int(digits) if digits.isdigit() else parse_school_grade(value)
        low, high = self._config["grade_range"]
        if number is None or not low <= number <= high:
            return None
        return str(number)

    def _duration_value(self, entity_type: Text, value: Text) -> Optional[Text]:
        """The value for a duration («ده ساله», «شش ماه»): the last threshold the years reach, or None."""
        years = parse_years(value)
        if years is None:
            return None
        result: Optional[Text] = None
        for threshold, canonical in self._config["duration_entities"][entity_type]:
            if years >= threshold:
                result = canonical
        return result

    def _number_value(self, entity_type: Text, value: Any) -> Optional[Text]:
        number = parse_persian_number(str(value))
        if number is None:
            digits = "".join(ch for ch in to_ascii_digits(normalize(str(value))) if ch.isdigit())
            number = int(digits) if digits and len(digits) <= 3 else None
        if number is None:
            return None if self._config["drop_unreadable_numbers"] else str(value)
        low, high = self._config["number_ranges"].get(entity_type, [None, None])
        if (low is not None and number < low) or (high is not None and number > high):
            return None if self._config["drop_unreadable_numbers"] else str(number)
        return str(number)

    @staticmethod
    def _rank(entity: Dict[Text, Any]) -> Tuple[int, int, int]:
        # The fact reader's shapes are exact (nlu/facts.py): its age «۱۵» in «۱۵ سال تمام دارم» outranks a
        # longer statistical guess on the same words.
        by_shape = 1 if entity.get(EXTRACTOR) == _SHAPE_EXTRACTOR else 0
        span = entity[ENTITY_ATTRIBUTE_END] - entity[ENTITY_ATTRIBUTE_START]
        rule_based = 1 if entity.get(EXTRACTOR) in _RULE_BASED_EXTRACTORS else 0
        return by_shape, span, rule_based

    def resolve_overlaps(self, entities: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
        """Keeps one entity for each stretch of text.

        The fact reader's entities win; then longer spans («زن سرپرست خانوار» as target_group over «زن» as
        gender); on equal spans a lookup or regex match wins over a statistical guess; two rule-based
        entities with the same span but different types are both kept (the data should avoid that). The same type and value twice is kept once.
        """
        ranked = sorted(entities, key=self._rank, reverse=True)
        kept: List[Dict[Text, Any]] = []
        for entity in ranked:
            start, end = entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END]
            conflict = False
            for other in kept:
                overlaps = start < other[ENTITY_ATTRIBUTE_END] and other[ENTITY_ATTRIBUTE_START] < end
                if not overlaps:
                    continue
                same_span = (start, end) == (other[ENTITY_ATTRIBUTE_START], other[ENTITY_ATTRIBUTE_END])
                both_rule_based = (
                    entity.get(EXTRACTOR) in _RULE_BASED_EXTRACTORS
                    and other.get(EXTRACTOR) in _RULE_BASED_EXTRACTORS
                )
                different_type = entity.get(ENTITY_ATTRIBUTE_TYPE) != other.get(ENTITY_ATTRIBUTE_TYPE)
                if same_span and both_rule_based and different_type:
                    continue
                conflict = True
                break
            if not conflict:
                kept.append(entity)
        return sorted(kept, key=lambda e: (e[ENTITY_ATTRIBUTE_START], e[ENTITY_ATTRIBUTE_END]))

    @staticmethod
    def drop_negated(text: Text, entities: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
        """Leaves out what the client says does not hold («امداد نیستم، بهزیستی هستم» keeps only behzisti)
        and what they take back («۲۵ سالمه، ببخشید ۲۶» keeps 26); a fact of two values said not to hold is
        the other one («شاغل نیستم»: unemployed)."""
        kinds = [
            (e[ENTITY_ATTRIBUTE_START], _value_end(text, e), str(e.get(ENTITY_ATTRIBUTE_TYPE)))
            for e in entities
        ]
        said_not = negated(text, [(start, end) for start, end, _ in kinds])
        taken_back = superseded(text, kinds)
        kept = []
        for index, entity in enumerate(entities):
            if index in taken_back:
                continue
            if index in said_not:
                other = _NEGATED_MEANS.get(
                    (entity.get(ENTITY_ATTRIBUTE_TYPE), entity.get(ENTITY_ATTRIBUTE_VALUE))
                )
                if other is None:
                    continue
                entity = {**entity, ENTITY_ATTRIBUTE_VALUE: other}
            kept.append(entity)
        return kept

    def mark_providers(self, text: Text, entities: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
        """Gives the role ``provider`` to organisations the message names as a provider («وام بهزیستی
        چطوریه»): the answer leads with what it asks about, and no slot takes it as the writer's own."""
        kinds = set(self._config["mark_providers"])
        named = [index for index, e in enumerate(entities) if e.get(ENTITY_ATTRIBUTE_TYPE) in kinds]
        spans = [
            (int(entities[i][ENTITY_ATTRIBUTE_START]), int(entities[i][ENTITY_ATTRIBUTE_END])) for i in named
        ]
        providers = {named[i] for i in named_as_provider(text, spans)}
        return [
            {**entity, ENTITY_ATTRIBUTE_ROLE: PROVIDER_ROLE} if index in providers else entity
            for index, entity in enumerate(entities)
        ]

    @staticmethod
    def read_person_words(text: Text, entities: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
        """«خانمم ۲۸ سالشه» is the writer's wife, «من یه دخترم» the writer herself: a person word the message
        tells the meaning of gets it, as gender or subject (persian/people.py)."""
        read = []
        for entity in entities:
            meaning = None
            if entity.get(ENTITY_ATTRIBUTE_TYPE) in ("gender", "subject"):
                meaning = person_word_meaning(
                    text, int(entity[ENTITY_ATTRIBUTE_START]), int(entity[ENTITY_ATTRIBUTE_END])
                )
            if meaning is not None:
                entity = {**entity, ENTITY_ATTRIBUTE_TYPE: meaning[0], ENTITY_ATTRIBUTE_VALUE: meaning[1]}
            read.append(entity)
        return read

    def keep_for_intent(self, message: Message, entities: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
        """Only where and in what trade, when the writer hires: the rest describes the worker wanted."""
        intent = message.get(INTENT)
        if (intent.get("name") if isinstance(intent, dict) else intent) not in self._config["hiring_intents"]:
            return entities
        keeps = set(self._config["hiring_keeps"])
        return [entity for entity in entities if entity.get(ENTITY_ATTRIBUTE_TYPE) in keeps]

    def _typed_form(self, text: Text, entity: Dict[Text, Any]) -> Any:
        """The entity's written form when its type knows it, else its value as the extractors left it.

        Synonyms are type-less, so a form with two meanings («خانمم»: "I am a lady" as gender, "my wife" as
        subject) would get one value for both types; the written form looked up by type gets each its own.
        """
        start, end = entity.get(ENTITY_ATTRIBUTE_START), entity.get(ENTITY_ATTRIBUTE_END)
        if isinstance(start, int) and isinstance(end, int):
            written = text[start:end]
            if entity_key(written) in self.values.get(entity.get(ENTITY_ATTRIBUTE_TYPE, ""), {}):
                return written
        return entity.get(ENTITY_ATTRIBUTE_VALUE)

    def process(self, messages: List[Message]) -> List[Message]:
        """Canonicalises values, resolves overlaps, drops negated values and marks providers in each
        message's entities."""
        for message in messages:
            entities = message.get(ENTITIES, [])
            if not entities:
                continue
            cleaned: List[Dict[Text, Any]] = []
            for entity in entities:
                entity = dict(entity)
                value = self.canonical_value(
                    entity.get(ENTITY_ATTRIBUTE_TYPE, ""), self._typed_form(message.get(TEXT) or "", entity)
                )
                if value is None:
                    continue
                if value != entity.get(ENTITY_ATTRIBUTE_VALUE):
                    entity[ENTITY_ATTRIBUTE_VALUE] = value
                    self.add_processor_name(entity)
                cleaned.append(entity)
            cleaned = self.read_person_words(message.get(TEXT) or "", cleaned)
            if self._config["resolve_overlaps"]:
                cleaned = self.resolve_overlaps(cleaned)
            if self._config["drop_negated"]:
                cleaned = self.drop_negated(message.get(TEXT) or "", cleaned)
            cleaned = self.mark_providers(message.get(TEXT) or "", cleaned)
            cleaned = self.keep_for_intent(message, cleaned)
            message.set(ENTITIES, cleaned, add_to_output=True)
        return messages
