tokenize --lang en --format tsv tests/golden/tokenize/en.txt
