"""Write ``data/examples/lm_eval/``: lm-evaluation-harness output folders of five simulated models.

The harness itself runs the three tasks of ``lm_eval_tasks/`` and writes every
file (``results_*.json`` and ``samples_*.jsonl``, with ``--log_samples``); only
the model is simulated. It works out each arithmetic question, and a skill that
grows with its size decides how sure it is of the right answer; the small models
are overconfident. ``lm_eval_sizes.csv`` gives each model's parameters and
training tokens.

    pip install lm_eval==0.4.13 torch==2.13.0
    python data/examples/make_lm_eval_example.py
"""

import json
import math
import random
import re
import shutil
import sys
from pathlib import Path

from lm_eval.__main__ import cli_evaluate
from lm_eval.api.model import LM
from lm_eval.api.registry import register_model

HERE = Path(__file__).resolve().parent
SIZES = {"sim-70m": 7.0e7, "sim-160m": 1.6e8, "sim-410m": 4.1e8, "sim-1b": 1.0e9, "sim-2.8b": 2.8e9}
TOKENS = 3.0e11
N_ITEMS = 80


def write_questions(path: Path) -> None:
    rng = random.Random(0)
    with path.open("w") as f:
        for i in range(N_ITEMS):
            digits = 1 + i % 3
            a, b = (rng.randint(10 ** (digits - 1), 10**digits - 1) for _ in range(2))
            offsets = [0, 1, -1, 10]
            rng.shuffle(offsets)
            choices = [str(a + b + d) for d in offsets]
            f.write(json.dumps({"question": f"{a} + {b} =", "choices": choices, "answer": offsets.index(0),
                                "target": str(a + b), "a": a, "b": b, "larger": "yes" if a > b else "no"}) + "\n")


def true_answer(context: str):
    a, b = (int(x) for x in re.findall(r"\d+", context)[-2:])
    return (a + b, "yes" if a > b else "no", len(str(max(a, b))))


@register_model("simulated")
class SimulatedLM(LM):
    """Knows the answers; its size sets how reliably it prefers them, and how overconfident it is."""

    def __init__(self, pretrained: str = "sim-70m", **kwargs):
        super().__init__()
        self.size = SIZES[pretrained]
        self.skill = 0.9 * math.log10(self.size / 2e7)  # about 0.5 (70M) to 1.9 (2.8B)
        self.sharpness = 3.0 / (1 + self.skill)  # small models spread their logits too far: overconfident
        self.rng = random.Random(pretrained)

    @classmethod
    def create_from_arg_string(cls, arg_string, additional_config=None):
        return cls(**dict(pair.split("=") for pair in arg_string.split(",") if pair))

    def _logit(self, right: bool, digits: int) -> float:
        margin = self.skill * (2.2 - 0.5 * digits)
        return (margin * right + self.rng.gauss(0, 1)) * self.sharpness

    def loglikelihood(self, requests, disable_tqdm: bool = False):
        out = []
        for request in requests:
            context, continuation = request.arguments
            total, larger, digits = true_answer(context)
            right = continuation.strip() == (larger if "larger" in context else str(total))
            out.append((min(self._logit(right, digits) - 8.0, 0.0), False))  # a log-likelihood is at most 0
        return out

    def generate_until(self, requests, disable_tqdm: bool = False):
        out = []
        for request in requests:
            total, _, digits = true_answer(request.arguments[0])
            p = 1 / (1 + math.exp(-(2.5 * self.skill - 1.2 * digits)))
            out.append(str(total) if self.rng.random() < p else str(total + self.rng.choice([-1, 1, 10])))
        return out

    def loglikelihood_rolling(self, requests, disable_tqdm: bool = False):
        raise NotImplementedError


def main() -> None:
    tasks, output = HERE / "lm_eval_tasks", HERE / "lm_eval"
    write_questions(tasks / "questions.jsonl")
    for config in tasks.glob("*.yaml.in"):  # the data file's absolute path, as the harness needs it
        config.with_suffix("").write_text(config.read_text().replace("QUESTIONS", str(tasks / "questions.jsonl")))
    shutil.rmtree(output, ignore_errors=True)
    for name in SIZES:
        sys.argv = ["lm_eval", "--model", "simulated", "--model_args", f"pretrained={name}",
                    "--tasks", "add_choice,add_generate,compare", "--include_path", str(tasks),
                    "--log_samples", "--output_path", str(output), "--seed", "0"]
        cli_evaluate()
    for config in tasks.glob("*.yaml"):
        config.unlink()
    with (HERE / "lm_eval_sizes.csv").open("w") as f:
        f.write("model,N,D\n" + "".join(f"{name},{size:.3g},{TOKENS:.3g}\n" for name, size in SIZES.items()))


if __name__ == "__main__":
    main()
