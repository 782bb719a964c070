annotate --input-format txt --lang en -q --lexicon en:tsv:tests/golden/import/broken.tsv tests/golden/import/sentence.txt
