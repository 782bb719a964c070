stem --lang en tests/golden/stems/en.words
