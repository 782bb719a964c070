stem --lang da tests/golden/stems/da.words
