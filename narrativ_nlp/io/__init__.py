"""One reader and one writer per file format (txt, docx, csv/xlsx, jsonl), used by import,
anonymise and the app alike. Nothing here detects or replaces names itself: readers give
text segments, writers put reviewed replacements back."""
