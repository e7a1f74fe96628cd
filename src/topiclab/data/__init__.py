"""Stage 1, data: raw inputs as documents with stable ids, named datasets, the text analyzer.

Raw files are only read, never written. Everything later in the pipeline
starts from a ``Corpus``.
"""

from ._analyzer import (NEWS_STOP_WORDS, STOP_LISTS, STOP_WORDS, TOKEN_PATTERN, StopList, stop_words, tokenize,
                        word_vectorizer)
from ._corpus import (TABLE_FORMATS, MissingTextColumn, Corpus, Document, detect_format, load_corpus, load_dump,
                      load_folder, load_table, read_lines, read_table, read_text, split_lines)
from ._gold import Gold, check_gold, label_from_gold, load_gold
from ._datasets import (DATASETS, DatasetInfo, DataSource, check_dataset_name, dataset_names, load_shared_sample,
                        load_data, load_dataset, load_shared_csv)
from ._sentences import split_sentences
from ._splits import hash_bucket, sample_corpus, split_of
from ._web_pages import PAGE_SOURCES, WebPage, load_web_pages, page_source_path

__all__ = [
    "split_sentences",
    "TABLE_FORMATS", "MissingTextColumn", "Document", "Corpus", "Gold", "detect_format", "load_corpus", "load_dump", "load_table",
    "read_table", "load_folder", "load_gold",
    "read_text", "read_lines", "split_lines", "check_gold", "label_from_gold",
    "DataSource", "DatasetInfo", "DATASETS", "dataset_names", "check_dataset_name", "load_dataset",
    "load_shared_csv", "load_shared_sample", "load_data",
    "TOKEN_PATTERN", "STOP_WORDS", "STOP_LISTS", "NEWS_STOP_WORDS", "StopList", "stop_words", "word_vectorizer",
    "tokenize",
    "hash_bucket", "split_of", "sample_corpus",
    "WebPage", "PAGE_SOURCES", "load_web_pages", "page_source_path",
]
