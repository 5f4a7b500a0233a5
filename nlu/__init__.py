"""Persian language for Karyar: ``nlu.text`` (standard library, shared with the app) and Rasa components."""
