tokenize --lang he --format tsv tests/golden/tokenize/he.txt
