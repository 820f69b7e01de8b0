"""Write ``data/examples/inspect/``: Inspect AI eval logs of three simulated models on one arithmetic task.

Inspect itself runs the task (generate, then its ``match`` scorer) for two
epochs and writes every ``.eval`` log; only the model is simulated, through
Inspect's ``mockllm`` provider with a function for its outputs: it works out
each sum and answers right with a probability that grows with its size.

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
from inspect_ai.model import ModelOutput, ModelUsage, get_model
from inspect_ai.scorer import match
from inspect_ai.solver import generate

HERE = Path(__file__).resolve().parent
SKILL = {"sim-70m": 0.5, "sim-410m": 1.2, "sim-2.8b": 1.9}


def arithmetic() -> Task:
    rng = random.Random(0)
    samples = []
    for i in range(30):
        digits = 1 + i % 3
        a, b = (rng.randint(10 ** (digits - 1), 10**digits - 1) for _ in range(2))
        samples.append(Sample(id=i + 1, input=f"What is {a} + {b}? Answer with the number only.", target=str(a + b)))
    return Task(dataset=samples, solver=generate(), scorer=match(numeric=True), name="add_generate")


def simulated(skill: float, seed: str):
    rng = random.Random(seed)

    def answer(messages, tools, tool_choice, config) -> ModelOutput:
        a, b = (int(x) for x in re.findall(r"\d+", messages[-1].text)[:2])
        p = 1 / (1 + math.exp(-(2.5 * skill - 1.2 * len(str(max(a, b))))))
        total = a + b if rng.random() < p else a + b + rng.choice([-1, 1, 10])
        output = ModelOutput.from_content(model="mockllm", content=str(total))
        output.usage = ModelUsage(input_tokens=12, output_tokens=2, total_tokens=14)  # no tokenizer download
        return output

    return answer


def main() -> None:
    output = HERE / "inspect"
    shutil.rmtree(output, ignore_errors=True)
    for name, skill in SKILL.items():
        model = get_model(f"mockllm/{name}", custom_outputs=simulated(skill, name))
        eval(arithmetic(), model=model, epochs=2, log_dir=str(output), log_format="eval", display="none")


if __name__ == "__main__":
    main()
