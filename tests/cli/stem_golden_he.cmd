stem --lang he tests/golden/stems/he.words
