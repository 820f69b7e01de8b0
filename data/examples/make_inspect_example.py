"""Write ``data/examples/inspect/``: Inspect AI eval logs of three simulated models on two arithmetic tasks.

Inspect itself runs each task and writes every ``.eval`` log; only the model
is simulated, through Inspect's ``mockllm`` provider with a function for its
outputs:

- ``add_generate``: 30 sums to work out (generate, then Inspect's ``match``
  scorer), two epochs; the model answers right with a probability that grows
  with its size.
- ``add_choice``: 80 four-way multiple-choice sums (Inspect's
  ``multiple_choice`` solver and ``choice`` scorer), asked with
  ``logprobs=True, top_logprobs=5``. The model answers ``ANSWER: <letter>``
  and reports the log-probabilities of its tokens, the answer letter's top
  alternatives among them, as API models do. Its preference for the right
  sum grows with its size; small models spread their logits too far, so
  they are overconfident.

    pip install inspect_ai==0.3.285
    python data/examples/make_inspect_example.py
"""

import math
import random
import re
import shutil
from pathlib import Path

from inspect_ai import Task, eval
from inspect_ai.dataset import Sample
from inspect_ai.model import Logprob, Logprobs, ModelOutput, ModelUsage, TopLogprob, get_model
from inspect_ai.scorer import choice, match
from inspect_ai.solver import generate, multiple_choice

HERE = Path(__file__).resolve().parent
SKILL = {"sim-70m": 0.5, "sim-410m": 1.2, "sim-2.8b": 1.9}
LETTERS = "ABCD"


def sums(rng: random.Random, count: int):
    """``count`` (id, a, b): sums of two numbers of 1, 2 and 3 digits in turn."""
    for i in range(count):
        digits = 1 + i % 3
        yield i + 1, *(rng.randint(10 ** (digits - 1), 10**digits - 1) for _ in range(2))


def arithmetic() -> Task:
    samples = [Sample(id=i, input=f"What is {a} + {b}? Answer with the number only.", target=str(a + b))
               for i, a, b in sums(random.Random(0), 30)]
    return Task(dataset=samples, solver=generate(), scorer=match(numeric=True), name="add_generate")


def arithmetic_choice() -> Task:
    rng = random.Random(1)
    samples = []
    for i, a, b in sums(rng, 80):
        options = [a + b, a + b + 1, a + b - 1, a + b + 10]
        rng.shuffle(options)
        samples.append(Sample(id=i, input=f"What is {a} + {b}?", choices=[str(o) for o in options],
                              target=LETTERS[options.index(a + b)]))
    return Task(dataset=samples, solver=multiple_choice(), scorer=choice(), name="add_choice")


def simulated(skill: float, seed: str):
    rng = random.Random(seed)
    sharpness = 3.0 / (1 + skill)  # small models spread their logits too far: overconfident

    def answer(messages, tools, tool_choice, config) -> ModelOutput:
        text = messages[-1].text
        a, b = (int(x) for x in re.findall(r"What is (\d+) \+ (\d+)", text)[0])
        if "ANSWER" not in text:  # add_generate
            p = 1 / (1 + math.exp(-(2.5 * skill - 1.2 * len(str(max(a, b))))))
            total = a + b if rng.random() < p else a + b + rng.choice([-1, 1, 10])
            output = ModelOutput.from_content(model="mockllm", content=str(total))
        else:
            options = [int(x) for x in re.findall(r"^[A-D]\) (-?\d+)$", text, flags=re.MULTILINE)]
            margin = skill * (2.2 - 0.5 * len(str(max(a, b))))
            logits = [(margin * (o == a + b) + rng.gauss(0, 1)) * sharpness for o in options]
            pick = max(range(len(options)), key=logits.__getitem__)
            output = ModelOutput.from_content(model="mockllm", content=f"ANSWER: {LETTERS[pick]}")
            output.choices[0].logprobs = Logprobs(content=[
                Logprob(token="ANSWER", logprob=-0.01), Logprob(token=":", logprob=-0.001),
                _letter_token(logits, pick)])
        output.usage = ModelUsage(input_tokens=12, output_tokens=2, total_tokens=14)  # no tokenizer download
        return output

    return answer


def _letter_token(logits: list[float], pick: int) -> Logprob:
    """The answer letter's token: the letters share 98% of the probability, a line break the rest."""
    top = max(logits)
    norm = math.log(sum(math.exp(v - top) for v in logits)) + top
    alternatives = [TopLogprob(token=f" {LETTERS[k]}", logprob=v - norm + math.log(0.98)) for k, v in enumerate(logits)]
    alternatives.append(TopLogprob(token="\n", logprob=math.log(0.02)))
    alternatives.sort(key=lambda t: -t.logprob)
    return Logprob(token=f" {LETTERS[pick]}", logprob=logits[pick] - norm + math.log(0.98), top_logprobs=alternatives)


def main() -> None:
    output = HERE / "inspect"
    shutil.rmtree(output, ignore_errors=True)
    for name, skill in SKILL.items():
        model = get_model(f"mockllm/{name}", custom_outputs=simulated(skill, name))
        eval(arithmetic(), model=model, epochs=2, log_dir=str(output), log_format="eval", display="none")
        eval(arithmetic_choice(), model=model, log_dir=str(output), log_format="eval", display="none",
             logprobs=True, top_logprobs=5)


if __name__ == "__main__":
    main()
