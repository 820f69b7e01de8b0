"""Write ``data/examples/helm/``: HELM runs of three simulated models on two scenarios, and HELM's leaderboard tables.

HELM itself runs everything: ``helm-run`` builds the prompts of its bundled
``simple_mcqa`` (multiple choice, answered by letter) and
``simple_classification`` (generation, scored by exact match) scenarios,
computes every per-instance statistic and the run's calibration (its 10-bin
equal-mass ECE in ``stats.json``), and ``helm-summarize`` writes the
leaderboard tables. Only the model is simulated, by the client class below,
which HELM loads like any other model client: it works out each question's
parity, answers right with a probability that grows with the model's
confidence, and reports that confidence as the answer's log-probability (the
small model overconfident).

    pip install crfm-helm==0.5.16 --no-deps  # then its dependencies, less torch and torchvision (unused here)
    python data/examples/make_helm_example.py

The copied files are HELM's own bytes: for each run ``run_spec.json``,
``per_instance_stats.json`` and ``stats.json``; and ``groups/json/*.json``,
the leaderboard tables.
"""

import hashlib
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: Simulated models: the share of the confidence range above 0.5 they back with accuracy (1 is calibrated).
MODELS = {"sim-70m": 0.2, "sim-410m": 0.6, "sim-2.8b": 1.0}
SCENARIOS = ("simple_mcqa", "simple_classification")
INSTANCES = 40


class SimulatedClient:
    """A HELM model client: answers each parity question right with a probability tied to its stated confidence."""

    def __init__(self, model: str, reliability: float, cache_config=None):
        self.model, self.reliability = model, reliability

    def make_request(self, request):
        from helm.common.request import GeneratedOutput, RequestResult, Token

        number = int(re.findall(r"\d+", request.prompt)[-1])  # the question asked last; the examples come before it
        digest = hashlib.sha256(f"{self.model}|{request.prompt}".encode()).digest()
        u, v = (int.from_bytes(digest[k:k + 8], "little") / 2**64 for k in (0, 8))
        confidence = 0.5 + 0.5 * u
        right = v < 0.5 + self.reliability * (confidence - 0.5)
        even = (number % 2 == 0) == right
        if "Answer:" in request.prompt.splitlines()[-1]:  # multiple choice: A. Even, B. Odd
            text = "A" if even else "B"
        else:
            text = "Even" if even else "Odd"
        logprob = math.log(confidence)
        completion = GeneratedOutput(text=text, logprob=logprob, tokens=[Token(text=text, logprob=logprob)])
        return RequestResult(success=True, cached=False, request_time=0.0, completions=[completion], embedding=[])


def _config(folder: Path) -> None:
    """HELM's configuration: the simulated models (``prod_env``) and a schema with the two scenarios."""
    env = folder / "prod_env"
    env.mkdir()
    deployments = ["model_deployments:"]
    metadata = ["models:"]
    for name, reliability in MODELS.items():
        deployments += [f"  - name: sim/{name}", f"    model_name: sim/{name}", "    tokenizer_name: simple/tokenizer1",
                        "    max_sequence_length: 2048", "    client_spec:",
                        "      class_name: make_helm_example.SimulatedClient",
                        f"      args: {{model: {name}, reliability: {reliability}}}"]
        metadata += [f"  - name: sim/{name}", f"    display_name: {name}", "    description: A simulated model.",
                     "    creator_organization_name: Simulated", "    access: open", "    release_date: 2026-01-01",
                     "    tags: [TEXT_MODEL_TAG, FULL_FUNCTIONALITY_TEXT_MODEL_TAG]"]
    (env / "model_deployments.yaml").write_text("\n".join(deployments) + "\n")
    (env / "model_metadata.yaml").write_text("\n".join(metadata) + "\n")
    metrics = {"exact_match": "Exact match", "max_prob": "Max prob", "ece_10_bin": "10-bin ECE",
               "inference_runtime": "Observed inference runtime (s)", "num_instances": "# eval"}
    lines = ["metrics:"]
    for name, display in metrics.items():
        lines += [f"  - name: {name}", f"    display_name: {display}",
                  f"    lower_is_better: {'true' if name == 'ece_10_bin' else 'false'}"]
    lines += ["perturbations: []", "metric_groups:"]
    for group, names in {"accuracy": ["exact_match"], "calibration": ["ece_10_bin"],
                         "general_information": ["num_instances"]}.items():
        lines += [f"  - name: {group}", f"    display_name: {group.replace('_', ' ').capitalize()}", "    metrics:"]
        lines += [f"      - name: {n}\n        split: ${{main_split}}" for n in names]
    lines += ["run_groups:", "  - name: core_scenarios", "    display_name: Core scenarios",
              "    description: Both scenarios.", "    category: All scenarios", "    subgroups:"]
    lines += [f"      - {s}" for s in SCENARIOS]
    for scenario in SCENARIOS:
        lines += [f"  - name: {scenario}", f"    display_name: {scenario}", f"    description: HELM's {scenario}.",
                  "    metric_groups: [accuracy, calibration, general_information]",
                  "    environment: {main_name: exact_match, main_split: test}",
                  "    taxonomy: {task: parity, what: numbers, who: HELM, when: '2024', language: English}"]
    (folder / "schema_sim.yaml").write_text("\n".join(lines) + "\n")


def main() -> None:
    output = HERE / "helm"
    shutil.rmtree(output, ignore_errors=True)
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        _config(work)
        env = os.environ | {"PYTHONPATH": str(HERE)}
        entries = [f"{s}:model=sim/{m}" for s in SCENARIOS for m in MODELS]
        subprocess.run([bin_dir / "helm-run", "--run-entries", *entries, "--suite", "v1", "--max-eval-instances",
                        str(INSTANCES)], cwd=work, env=env, check=True)
        subprocess.run([bin_dir / "helm-summarize", "--suite", "v1", "--schema-path", "schema_sim.yaml"], cwd=work,
                       env=env, check=True)
        suite = work / "benchmark_output" / "runs" / "v1"
        for run in sorted(p.parent for p in suite.glob("*/run_spec.json")):
            (output / run.name).mkdir(parents=True)
            for name in ("run_spec.json", "per_instance_stats.json", "stats.json"):
                shutil.copy(run / name, output / run.name / name)
        shutil.copytree(suite / "groups" / "json", output / "groups" / "json")


if __name__ == "__main__":
    main()
