"""The analyzer's stop lists: the news list removes reporting and calendar words, keeps content words."""

from topiclab.data import NEWS_STOP_WORDS, stop_words, tokenize, word_vectorizer

SENTENCE = "Mr Smith said on Monday that the new trade talks with Serbia resume in March, officials told reporters."


def test_english_keeps_news_words_and_news_list_removes_them():
    english, news = tokenize([SENTENCE])[0], tokenize([SENTENCE], "english+news")[0]
    assert {"said", "monday", "mr", "told"} <= set(english)
    assert not set(news) & {"said", "monday", "mr", "told", "march", "new"}
    assert {"smith", "trade", "talks", "serbia", "resume", "officials", "reporters"} <= set(news)
    assert [w for w in english if w not in NEWS_STOP_WORDS] == news  # only the list's words go, order kept


def test_news_list_extends_english_and_every_word_is_a_token():
    assert stop_words("english") < stop_words("english+news")
    analyzer = word_vectorizer().build_analyzer()
    assert all(analyzer(word) == [word] for word in NEWS_STOP_WORDS - stop_words("english"))


def test_vectorizer_with_news_list_drops_them_from_the_vocabulary():
    vocabulary = word_vectorizer("tfidf", stop_list="english+news").fit([SENTENCE, "Kosovo said yes"]).vocabulary_
    assert "kosovo" in vocabulary and "said" not in vocabulary and "monday" not in vocabulary
