agree tests/cli/data/agree.jsonl --codes codes --sentiment sentiment --format md -q
