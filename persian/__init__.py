"""Persian text, the ground every other package stands on: `text` normalises what people type (letters,
digits, half-spaces, number words) and makes search keys; it is plain Python that Rasa's environment
(Python 3.10) imports too. `format` writes numbers, lists, dates and direction marks for people to read.
Nothing here imports anything of ours."""
