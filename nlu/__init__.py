"""Rasa's side of understanding Persian: the custom pipeline components (`nlu.components`) and the pipeline
(`config.yml`). The text rules they run live in the ground package `persian.text`."""
