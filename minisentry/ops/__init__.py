"""Operations: alerts on new issues and regressions (``alerts``), deleting events and issues
(``deletion``), retention (``retention``) and storage figures (``stats``)."""
