stem --lang sv tests/cli/data/stem_sv.txt
