"""GTZAN's ten genres, in the order every shipped model scores them."""

GENRES: tuple[str, ...] = ("blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock")
