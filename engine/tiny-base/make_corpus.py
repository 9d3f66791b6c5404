#!/usr/bin/env python3
"""Writes the tiny base model's pretraining corpus: simple, varied English about weather, places,
numbers and everyday actions, plus question/answer turns. Deterministic (seeded); the output is
committed as engine/src/main/resources/dev/lathe/engine/tinybase/corpus.txt, so the model can be
rebuilt anywhere without this script.

    python3 make_corpus.py > ../src/main/resources/dev/lathe/engine/tinybase/corpus.txt
"""
import random

rng = random.Random(20261125)

cities = ["Paris", "Lyon", "Berlin", "Madrid", "Lisbon", "Oslo", "Rome", "Vienna", "Dublin", "Prague",
          "Athens", "Warsaw", "Zurich", "Porto", "Milan", "Munich", "Seville", "Bergen", "Turin", "Ghent"]
weather = ["sunny", "rainy", "cloudy", "windy", "foggy", "snowy", "stormy", "mild", "cold", "warm"]
days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
people = ["Anna", "Ben", "Clara", "David", "Emma", "Felix", "Grace", "Hugo", "Iris", "Jonas",
          "Karin", "Leo", "Mira", "Noah", "Olga", "Paul"]
things = ["book", "bicycle", "letter", "coffee", "umbrella", "map", "ticket", "camera", "lamp", "kettle"]
verbs = [("reads", "read"), ("carries", "carry"), ("opens", "open"), ("finds", "find"), ("buys", "buy"),
         ("cleans", "clean"), ("moves", "move"), ("fixes", "fix")]
numbers = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
           "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen"]
colors = ["red", "blue", "green", "yellow", "black", "white", "orange", "purple"]


def sentence():
    kind = rng.randrange(9)
    c, w, d, p, t = rng.choice(cities), rng.choice(weather), rng.choice(days), rng.choice(people), rng.choice(things)
    if kind == 0:
        return f"On {d} the weather in {c} is {w}."
    if kind == 1:
        v = rng.choice(verbs)[0]
        return f"{p} {v} the {rng.choice(colors)} {t} in {c}."
    if kind == 2:
        a, b = rng.randrange(9), rng.randrange(9)
        return f"{numbers[a].capitalize()} plus {numbers[b]} is {numbers[a + b]}."
    if kind == 3:
        return f"Question: What is the weather in {c} today? Answer: It is {w} in {c} today."
    if kind == 4:
        return f"{p} travels from {c} to {rng.choice(cities)} on {d}, and the trip is {rng.choice(['short', 'long', 'quiet', 'busy'])}."
    if kind == 5:
        a, b = rng.randrange(9), rng.randrange(9)
        return f"Question: What is {numbers[a]} plus {numbers[b]}? Answer: {numbers[a + b].capitalize()}."
    if kind == 6:
        v = rng.choice(verbs)[1]
        return f"Question: Can {p} {v} the {t}? Answer: Yes, {p} can {v} the {t}."
    if kind == 7:
        return f"The {t} of {p} is {rng.choice(colors)}, and it stays in {c}."
    return f"In {c} people say that {d} will be {w}, so {p} takes the {t}."


lines = []
for _ in range(4000):
    lines.append(" ".join(sentence() for _ in range(rng.randrange(1, 4))))
print("\n".join(lines))
