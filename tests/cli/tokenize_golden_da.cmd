tokenize --lang da --format tsv tests/golden/tokenize/da.txt
