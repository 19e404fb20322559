#!/usr/bin/env python3
"""Expected ROUGE values for brief's metric tests, computed with Google's `rouge-score`
(pip install rouge-score; never a runtime dependency of brief). Writes
tests/fixtures/rouge_pairs.json: [{"reference", "prediction", "rouge1", "rouge2", "rougeLsum"}]
(F1, stemming on; for ROUGE-Lsum each sentence on its own line, as rouge-score expects).
"""
import json
import os

from rouge_score import rouge_scorer

REF = "The US plans to resume its security partnership with Niger's military government.\nFrance is withdrawing its troops by December 22."
PAIRS = [
    (REF, REF),
    (REF, "The United States will resume security cooperation with Niger.\nFrench forces are leaving."),
    (REF, "France is withdrawing its troops.\nThe US plans to resume its partnership with Niger."),
    (REF, "Niger's junta expelled the French.\nWashington keeps 648 troops there."),
    (REF, ""),
    ("", "Something was said."),
    ("The cats were running quickly.", "A cat runs quick."),
    ("Officials met on Tuesday in Beijing.", "On Tuesday, officials met in Beijing."),
    ("ECOWAS is maintaining harsh sanctions on Niger.", "ECOWAS maintains harsh sanctions against Niger."),
    ("Prices rose 3.5% in 2023, the bank said.", "The bank said prices rose 3.5 percent in 2023."),
    ("The minister resigned.\nHis deputy took over.\nElections are due in May.", "The minister quit and his deputy replaced him.\nA vote is due in May."),
    ("Talks collapsed after the rebels walked out.", "Rebels walked out, collapsing the talks."),
    ("The European Union condemned the annexation.", "The EU condemned the annexation of Crimea by Russia."),
    ("Protesters gathered outside parliament demanding reforms.", "Demanding reform, protesters gathered outside the parliament building."),
    ("Germany welcomed the agreement.", "The agreement was welcomed by Germany."),
    ("It rained.", "It rained."),
    ("Storms hit the coast, killing at least 12 people and leaving thousands without power.", "At least 12 people died as storms hit the coast; thousands lost power."),
    ("The court ruled the law unconstitutional.", "Judges struck down the law."),
    ("Oil exports fell sharply in March.\nThe government blamed sanctions.", "The government blamed sanctions for a sharp fall in March oil exports."),
    ("UPPER CASE Words And lower case words.", "upper case words and LOWER CASE WORDS."),
    ("Running runners run runs.", "run run run run"),
    ("Café owners in São Paulo protested.", "Cafe owners protested in Sao Paulo."),
    ("The deal, worth $100 million, was signed on Friday.", "A $100-million deal was signed Friday."),
    ("He said: \"We will not back down.\"", "He said they would not back down."),
]


def main():
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
    out = []
    for ref, pred in PAIRS:
        s = scorer.score(ref, pred)
        out.append({"reference": ref, "prediction": pred,
                    "rouge1": s["rouge1"].fmeasure, "rouge2": s["rouge2"].fmeasure, "rougeLsum": s["rougeLsum"].fmeasure})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "rouge_pairs.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{len(out)} pairs written to {path}")


if __name__ == "__main__":
    main()
