"""Runs nlu/components.py inside Rasa's environment and prints what it did, as JSON.

``test_components.py`` starts this with ``.venv-rasa/bin/python`` (the app environment has no Rasa or
hazm) and makes its assertions on the output. Input on stdin: {"texts": [...], "entities": [...]}.
Keep this file Python-3.10-compatible.
"""

import json
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
logging.disable(logging.WARNING)


def main() -> None:
    from rasa.shared.nlu.constants import ENTITIES, TEXT
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from nlu.components import HazmTokenizer, PersianEntityNormalizer, PersianNormalizer

    request = json.load(sys.stdin)
    normalizer = PersianNormalizer({})
    tokenizer = HazmTokenizer({})
    result: dict = {"texts": [], "entities": []}

    for text in request["texts"]:
        message = Message(data={TEXT: text})
        normalizer.process([message])
        normalised = message.get(TEXT)
        tokens = tokenizer.tokenize(message, TEXT)
        result["texts"].append(
            {
                "text": text,
                "normalised": normalised,
                "tokens": [[t.text, t.start, t.end] for t in tokens],
            }
        )

    # training-time normalisation of examples, entity values, lookups and synonyms
    example = Message(
        data={
            TEXT: "ساكن كرمان هستم",
            "intent": "inform",
            ENTITIES: [{"start": 5, "end": 10, "value": "كرمان", "entity": "province"}],
        }
    )
    training = TrainingData(
        training_examples=[example],
        entity_synonyms={"كرمون": "کرمان"},
        lookup_tables=[{"name": "province", "elements": ["كرمان", "تهران"]}],
    )
    normalizer.process_training_data(training)
    result["training"] = {
        "text": example.get(TEXT),
        "entity_value": example.get(ENTITIES)[0]["value"],
        "synonyms": training.entity_synonyms,
        "lookup": training.lookup_tables[0]["elements"],
    }

    values = {
        "field": {"قالیبافی": "قالی‌بافی", "خیاطی": "خیاطی", "دوختودوز": "خیاطی"},
        "province": {"تهران": "تهران"},
        "city": {"مشهد": "مشهد"},
        "subject": {"خانمم": "spouse", "spouse": "spouse"},
        "": {"خانمم": "female", "دهم": "10"},
    }
    entity_normalizer = PersianEntityNormalizer({}, None, None, values)
    message = Message(data={TEXT: "x", ENTITIES: request["entities"]})
    entity_normalizer.process([message])
    result["entities"] = message.get(ENTITIES)
    # «خانمم» as "my wife": the type-less synonym made it female, the subject table reads the written form
    wife = {"entity": "subject", "value": "female", "start": 0, "end": 5, "extractor": "CRFEntityExtractor"}
    typed = Message(data={TEXT: "خانمم بیکاره", ENTITIES: [wife]})
    entity_normalizer.process([typed])
    result["typed_entities"] = typed.get(ENTITIES)
    json.dump(result, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
