stem --lang sv tests/golden/stems/sv.words
