"""Write ``data/examples/alpaca_eval/``: AlpacaEval's per-instance annotations of four simulated models.

AlpacaEval itself runs the evaluation (``alpaca_eval.evaluate``): it pairs
each model's outputs with the baseline's, shows the judge the two outputs in
random order, parses its verdict with its ``regex_parser``, turns it back
into a preference for the model (1: baseline better, 2: model better), and
writes ``annotations.json`` and ``leaderboard.csv`` per model. Only the
judge and the models are simulated. The instructions are sums to explain;
each model answers right with its own probability and pads its answer to
its own length. The judge prefers a right answer and, like the LLM judges
AlpacaEval corrects for, a longer one: it picks output (b) with probability
``sigmoid(2 (right_b - right_a) + 0.8 log(length_b / length_a))``.

    pip install alpaca_eval==0.6.6
    python data/examples/make_alpaca_eval_example.py
"""

import hashlib
import math
import random
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd
from alpaca_eval import main as alpaca_eval

HERE = Path(__file__).resolve().parent
#: Simulated models: probability of a right answer, and sentences of padding after it.
MODELS = {"sim-verbose": (0.55, 9), "sim-concise": (0.8, 1), "sim-balanced": (0.7, 4), "sim-weak": (0.4, 3)}
BASELINE = ("sim-baseline", 0.6, 3)
PADDING = "This follows from adding the tens and then the units, carrying where needed."
N_INSTRUCTIONS = 200


def instructions() -> list[tuple[str, int]]:
    pairs = random.Random(0).sample([(a, b) for a in range(10, 100) for b in range(10, 100)], N_INSTRUCTIONS)
    return [(f"What is {a} + {b}? Explain your answer.", a + b) for a, b in pairs]  # distinct: AlpacaEval joins on them


def outputs(name: str, p_right: float, padding: int) -> pd.DataFrame:
    rng = random.Random(name)
    rows = []
    for instruction, total in instructions():
        answer = total if rng.random() < p_right else total + rng.choice([-10, -1, 1, 10])
        text = " ".join([f"The sum is {answer}."] + [PADDING] * rng.randint(max(padding - 1, 0), padding + 1))
        rows.append({"instruction": instruction, "output": text, "generator": name, "dataset": "sim_sums"})
    return pd.DataFrame(rows)


def judge(prompts: list[str], **_) -> dict:
    """The simulated judge: AlpacaEval's completion function, one verdict per prompt."""
    verdicts = []
    for prompt in prompts:
        total = sum(int(x) for x in re.search(r"What is (\d+) \+ (\d+)\?", prompt).groups())
        a, b = re.search(r"<output_a>(.*)</output_a>.*<output_b>(.*)</output_b>", prompt, re.S).groups()
        right = [float(re.search(r"The sum is (-?\d+)\.", text).group(1) == str(total)) for text in (a, b)]
        z = 2 * (right[1] - right[0]) + 0.8 * math.log(len(b) / len(a))
        u = int.from_bytes(hashlib.sha256(prompt.encode()).digest()[:8], "little") / 2**64
        verdicts.append("Output (b)" if u < 1 / (1 + math.exp(-z)) else "Output (a)")
    return {"completions": verdicts, "price_per_example": [0.0] * len(prompts),
            "time_per_example": [0.0] * len(prompts)}


def _judge_config(folder: Path) -> Path:
    config = folder / "sim_judge"
    config.mkdir(parents=True)
    (config / "prompt.txt").write_text(
        "Which output answers the instruction better?\n\nInstruction: {instruction}\n\n"
        "<output_a>{output_1}</output_a>\n<output_b>{output_2}</output_b>\n\nAnswer 'Output (a)' or 'Output (b)'.\n")
    (config / "configs.yaml").write_text(
        "sim_judge:\n  prompt_template: \"sim_judge/prompt.txt\"\n  fn_completion_parser: \"regex_parser\"\n"
        "  completion_parser_kwargs:\n    outputs_to_match:\n      1: '(?:^|\\n) ?Output \\(a\\)'\n"
        "      2: '(?:^|\\n) ?Output \\(b\\)'\n  batch_size: 1\n")
    return config / "configs.yaml"


def main() -> None:
    output = HERE / "alpaca_eval"
    shutil.rmtree(output, ignore_errors=True)
    reference = outputs(BASELINE[0], *BASELINE[1:])
    with tempfile.TemporaryDirectory() as work:
        config = _judge_config(Path(work))
        for name, (p_right, padding) in MODELS.items():
            alpaca_eval.evaluate(model_outputs=outputs(name, p_right, padding), reference_outputs=reference,
                                 annotators_config=str(config), output_path=output / name,
                                 fn_metric="get_winrate", sort_by="win_rate",
                                 precomputed_leaderboard=None, is_cache_leaderboard=False,
                                 is_return_instead_of_print=True, fn_completions=judge)
    for name in MODELS:  # AlpacaEval's output folder names the annotator config by its path; keep the files only
        for file in (output / name).rglob("*"):
            if file.is_file() and file.parent != output / name:
                file.rename(output / name / file.name)
        for folder in sorted((p for p in (output / name).rglob("*") if p.is_dir()), reverse=True):
            folder.rmdir()


if __name__ == "__main__":
    main()
