annotate --input-format txt --lang en -q --lexicon xx:tests/golden/import/afinn.txt tests/golden/import/sentence.txt
