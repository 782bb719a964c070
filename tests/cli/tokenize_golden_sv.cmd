tokenize --lang sv --format tsv tests/golden/tokenize/sv.txt
