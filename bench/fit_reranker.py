"""Fit the sentence cross-encoder (qa/reranker.py) on SQuAD v1.1 train and print how well it picks answer sentences.

Articles: bench/fit_adapter.py's (SQuAD train, outside bench/squad.py's sample and outside bench/fit_relevance.py's
40; SQuAD dev is never read). Articles numbered 3 mod 4 are held out; every figure printed is on them. Each
training question gives one group: a sentence of its paragraph holding the answer (positive), up to --same other
sentences of that paragraph (the choice qa.search makes) and --other sentences of the article's other paragraphs
sharing the most terms with the question (what retrieval confuses), all negatives; binary cross-entropy per
sentence, so a score means the same in every passage. MiniLM's weights stay; a rank --rank change to each linear
layer (LoRA) and the pooler and head are trained, seeded, with AdamW and a linear decay, on torch's CPU threads.

    python -m bench.fit_reranker [--articles 200] [--questions 6000] [--write]

--write saves the fitted weights (float16) to qa/reranker_weights.npz (or --out). A fit can continue another
(--start-from) on training groups it has not read (--skip), with the --hard negatives of each group's paragraph
chosen by the terms they share with the question, and only on groups whose answer sentence holds at most a share of
the question's terms (--overlap-at-most: paraphrases; a fourth fit so, 2026-11-29, was not kept: bench/RESULTS.md).
The shipped weights are three fits, each continuing the last
(about 30 minutes each on 2 cores), the last copied over qa/reranker_weights.npz:

    python -m bench.fit_reranker --write --out /tmp/fit1.npz
    python -m bench.fit_reranker --start-from /tmp/fit1.npz --skip 6000 --hard 2 --lr 5e-4 --write --out /tmp/fit2.npz
    python -m bench.fit_reranker --start-from /tmp/fit2.npz --skip 12000 --hard 2 --lr 5e-4 --write --out /tmp/fit3.npz
"""
from __future__ import annotations

import argparse
import logging
import random
import re
import time
from pathlib import Path

import numpy as np

from bench.fit_adapter import articles_used, texts_of
from qa.evaluate import normalise
from qa.reranker import WEIGHTS, Reranker, base_model, head_names, lora_layers

log = logging.getLogger("fit_reranker")

Group = tuple[str, list[str], list[float]]  # question, sentences, labels


def terms(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower())) - STOP


STOP = frozenset("the a an of in on at to for and or is was were are be by with as from that this which what who "
                 "whom when where why how did does do its it their his her".split())


def groups_of(articles: list[dict], same: int, other: int, rng: random.Random,
              hard: int = 0) -> tuple[list[Group], list[Group]]:
    """(training groups, held-out groups); a held-out group holds every sentence of the question's paragraph.

    Of a group's `same` negatives from the question's paragraph, the first `hard` are those sharing the most terms
    with the question (the sentence that repeats the question beside the one that answers), the rest drawn.
    """
    train: list[Group] = []
    held: list[Group] = []
    for number, article in enumerate(articles):
        sentences, owner, _, asked, questions, answers = texts_of(article)
        normalised = [normalise(s) for s in sentences]
        bags = [terms(s) for s in sentences]
        for question, paragraph, found in zip(questions, asked, answers, strict=True):
            inside = [i for i, o in enumerate(owner) if o == paragraph]
            positive = [i for i in inside if any(a in normalised[i] for a in found)]
            if not positive:
                continue
            if number % 4 == 3:
                held.append((question, [sentences[i] for i in inside], [float(i in positive) for i in inside]))
                continue
            negatives = [i for i in inside if i not in positive]
            rng.shuffle(negatives)
            asked_terms = terms(question)
            if hard:
                closest = sorted(negatives, key=lambda i: -len(asked_terms & bags[i]))[:hard]
                negatives = closest + [i for i in negatives if i not in closest]
            outside = sorted((i for i, o in enumerate(owner) if o != paragraph
                              and not any(a in normalised[i] for a in found)),
                             key=lambda i: -len(asked_terms & bags[i]))
            chosen = [rng.choice(positive)] + negatives[:same] + outside[:other]
            train.append((question, [sentences[i] for i in chosen], [1.0] + [0.0] * (len(chosen) - 1)))
    return train, held


def overlap(group: Group) -> float:
    """The share of the group's question terms its answer sentence (the first) holds: low for a paraphrase."""
    question, sentences, _ = group
    asked = terms(question)
    return len(asked & terms(sentences[0])) / max(1, len(asked))


class Lora:  # a linear layer plus scale * B A, A and B trained
    def __init__(self, linear, rank: int, scale: float, seed: int) -> None:
        import torch

        generator = torch.Generator().manual_seed(seed)
        self.a = torch.nn.Parameter(torch.randn(rank, linear.in_features, generator=generator) / linear.in_features
                                    ** 0.5)
        self.b = torch.nn.Parameter(torch.zeros(linear.out_features, rank))
        self.scale = scale
        linear.register_forward_hook(self.hook)

    def hook(self, module, inputs, output):
        return output + self.scale * (inputs[0] @ self.a.T) @ self.b.T


def encode(reranker: Reranker, pairs: list[tuple[str, str]]) -> dict:
    """The model's inputs for `pairs`, as the product encodes them (qa.reranker.Reranker.encode)."""
    import torch

    ids = torch.from_numpy(reranker.encode(pairs))
    return {"input_ids": ids[0], "token_type_ids": ids[1], "attention_mask": ids[2]}


def held_out_accuracy(score, held: list[Group]) -> float:
    """Share of held-out questions whose paragraph's best-scored sentence holds the answer."""
    hits = 0
    for question, sentences, labels in held:
        hits += labels[int(np.argmax(score(question, sentences)))] > 0
    return hits / len(held)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--questions", type=int, default=6000, help="training groups used (one epoch)")
    parser.add_argument("--held", type=int, default=1500, help="held-out questions scored")
    parser.add_argument("--same", type=int, default=3)
    parser.add_argument("--other", type=int, default=2)
    parser.add_argument("--rank", type=int, default=16)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch", type=int, default=8, help="groups a step")
    parser.add_argument("--hard", type=int, default=0,
                        help="of the --same negatives, this many by most terms shared with the question")
    parser.add_argument("--skip", type=int, default=0, help="training groups skipped first (those a previous fit read)")
    parser.add_argument("--overlap-at-most", type=float, default=1.0,
                        help="only groups whose answer sentence holds at most this share of the question's terms")
    parser.add_argument("--start-from", type=Path, help="weights to continue from (as written by --write)")
    parser.add_argument("--out", type=Path, default=WEIGHTS, help="where --write saves (default: the shipped file)")
    parser.add_argument("--threads", type=int, default=2, help="torch's threads (qa may have set OpenMP to one)")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    import torch

    from qa.embedder import Embedder

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rng = random.Random(0)
    train, held = groups_of(articles_used(args.articles), args.same, args.other, rng, args.hard)
    rng.shuffle(train)
    rng.shuffle(held)
    train = [g for g in train[args.skip:] if overlap(g) <= args.overlap_at_most]
    if len(train) < args.questions:
        parser.error(f"only {len(train)} training groups after --skip {args.skip} with at most "
                     f"{args.overlap_at_most} overlap: --questions {args.questions} is too many")
    train, held = train[:args.questions], held[:args.held]
    log.info("%d training groups after the first %d (%d sentences), %d held-out questions", len(train), args.skip,
             sum(len(g[1]) for g in train), len(held))

    embedder = Embedder()

    def cosine(question: str, sentences: list[str]) -> np.ndarray:
        return embedder(sentences) @ embedder.query(question)

    log.info("held out, the paragraph's closest sentence by MiniLM cosine holds the answer: %.3f",
             held_out_accuracy(cosine, held))

    encoder = Reranker()  # its tokenizer and encoding only: the weights fitted here are not loaded
    model = base_model()
    for p in model.parameters():
        p.requires_grad_(False)
    scale = 2.0
    loras = {name: Lora(linear, args.rank, scale, seed) for seed, (name, linear) in
             enumerate(lora_layers(model).items())}
    params = dict(model.named_parameters())
    heads = [params[n] for n in head_names(model)]
    for p in heads:
        p.requires_grad_(True)
    if args.start_from:
        with np.load(args.start_from) as stored:
            saved = dict(stored)
        if float(saved["scale"]) != scale:
            parser.error(f"{args.start_from} was fitted with scale {float(saved['scale'])}, this fit uses {scale}")
        with torch.no_grad():
            for name, lora in loras.items():
                lora.a.copy_(torch.from_numpy(saved[f"{name}.a"].astype(np.float32)))
                lora.b.copy_(torch.from_numpy(saved[f"{name}.b"].astype(np.float32)))
            for name in head_names(model):
                params[name].copy_(torch.from_numpy(saved[name].astype(np.float32)))
        log.info("continuing from %s", args.start_from)
    trained = [p for lora in loras.values() for p in (lora.a, lora.b)] + heads
    optimiser = torch.optim.AdamW(trained, lr=args.lr, weight_decay=0.01)
    steps = (len(train) + args.batch - 1) // args.batch
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: min(1.0, (s + 1) / 50) * (1 - s / steps))

    def cross(question: str, sentences: list[str]) -> np.ndarray:
        with torch.inference_mode():
            return model(**encode(encoder, [(question, s) for s in sentences])).logits[:, 0].numpy()

    if args.start_from:
        model.eval()
        log.info("held out, before this fit: %.3f", held_out_accuracy(cross, held))
    model.train()
    started = time.monotonic()
    for step in range(steps):
        batch = train[step * args.batch:(step + 1) * args.batch]
        pairs = [(q, s) for q, sentences, _ in batch for s in sentences]
        labels = torch.tensor([y for _, _, ys in batch for y in ys])
        logits = model(**encode(encoder, pairs)).logits[:, 0]
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels)
        loss.backward()
        optimiser.step()
        schedule.step()
        optimiser.zero_grad()
        if step % 50 == 0:
            log.info("step %d/%d loss %.3f (%.0f s)", step, steps, float(loss.detach()), time.monotonic() - started)
    model.eval()
    log.info("held out, the paragraph's best sentence by the cross-encoder holds the answer: %.3f",
             held_out_accuracy(cross, held))
    if args.write:
        saved = {"scale": np.array(scale)}
        for name, lora in loras.items():
            saved[f"{name}.a"] = lora.a.detach().numpy().astype(np.float16)
            saved[f"{name}.b"] = lora.b.detach().numpy().astype(np.float16)
        for name in head_names(model):
            saved[name] = params[name].detach().numpy().astype(np.float16)
        np.savez(args.out.with_suffix(".tmp.npz"), **saved)
        args.out.with_suffix(".tmp.npz").replace(args.out)
        log.info("wrote %s", args.out)


if __name__ == "__main__":
    main()
