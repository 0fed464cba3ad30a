"""Traps (TAXONOMY.md): senses of "synthetic" / "simulated" that are not data, and sentences
that mention synthetic data without the authors using it, must never give a `use` finding."""

from __future__ import annotations

import pytest

from pipeline.detect.finder import Finder
from pipeline.detect.patterns import load_patterns
from tests.detect.sentences import NEUTRAL_INTRODUCTION, build_document

# (what the sentence exercises, sentence in Methods). The first column is a trap id from
# traps.jsonl where one applies, so that every trap record is exercised here.
TRAP_SENTENCES: list[tuple[str, str]] = [
    (
        "trap.synthetic_control",
        "We applied the synthetic control method to estimate the effect of the tobacco tax on "
        "state-level cigarette sales.",
    ),
    (
        "trap.synthetic_control",
        "We constructed a synthetic control from 38 donor states to estimate the effect of the "
        "minimum-wage increase.",
    ),
    (
        "trap.synthetic_control",
        "We used synthetic controls built from untreated regions as the counterfactual for each "
        "treated region.",
    ),
    (
        "trap.synthetic_lethality",
        "We screened 1,200 gene pairs for synthetic lethality with PARP inhibition.",
    ),
    (
        "trap.synthetic_lethality",
        "We identified synthetic lethal interactions between BRCA1 and 14 kinases with a pooled "
        "CRISPR screen.",
    ),
    (
        "trap.synthetic_biology",
        "We used synthetic biology tools to assemble a toggle-switch gene circuit in E. coli.",
    ),
    (
        "trap.synthetic_biology",
        "We generated synthetic promoters of varying strength and measured their expression in "
        "yeast.",
    ),
    (
        "trap.synthetic_biology",
        "We used synthetic DNA oligonucleotides as templates for the PCR.",
    ),
    (
        "trap.chemistry",
        "We optimised the synthetic route to the key intermediate and obtained a 62% overall "
        "yield.",
    ),
    (
        "trap.chemistry",
        "We prepared the synthetic peptides by solid-phase synthesis and purified them by HPLC.",
    ),
    (
        "trap.chemistry",
        "We performed the chemical synthesis of 24 analogues and tested their binding affinity.",
    ),
    ("trap.chemistry", "We screened 3,000 synthetic compounds against the kinase panel."),
    ("trap.chemistry", "We grew the strains in synthetic medium supplemented with glucose."),
    (
        "trap.chemistry",
        "We used synthetic standards of each metabolite to calibrate the mass spectrometer.",
    ),
    (
        "trap.sar",
        "We used synthetic aperture radar images from Sentinel-1 to map the flood extent.",
    ),
    (
        "trap.sar",
        "We trained the flood-segmentation network on synthetic aperture radar images acquired "
        "by Sentinel-1.",
    ),
    ("trap.sar", "We acquired synthetic aperture radar data over the glacier every 12 days."),
    ("trap.annealing", "We optimised the sensor layout with simulated annealing."),
    (
        "trap.annealing",
        "We used simulated annealing to fit the 12 kinetic parameters of the model.",
    ),
    ("trap.drugs", "We analysed 2,300 overdose deaths involving synthetic opioids."),
    (
        "trap.drugs",
        "We measured urinary metabolites of synthetic cannabinoids in 150 samples.",
    ),
    ("trap.materials", "We collected synthetic fibre samples from 12 textile mills."),
    (
        "trap.materials",
        "We quantified synthetic fibres in 60 sediment samples by infrared spectroscopy.",
    ),
    ("trap.other_senses", "We conducted an evidence synthesis of 58 randomized trials."),
    (
        "trap.other_senses",
        "We performed data synthesis and analysis following the PRISMA guidelines.",
    ),
    (
        "trap.other_senses",
        "We trained 30 medical students with simulated patients in the skills laboratory.",
    ),
    (
        "trap.other_senses",
        "We measured protein synthesis rates in muscle biopsies after the intervention.",
    ),
    (
        "trap.other_senses",
        "We computed synthetic estimates of county-level prevalence from the national survey.",
    ),
    ("trap.other_senses", "We recorded the simulated driving performance of 40 participants."),
    (
        "trap.other_senses",
        "We used a synthetic index of deprivation built from seven census variables.",
    ),
    ("trap.human_generated", "We analysed user-generated data from 12 online health forums."),
    (
        "trap.human_generated",
        "We annotated a corpus of 5,000 human-generated questions from a quiz website.",
    ),
    (
        "trap.human_generated",
        "We collected 40,000 user-generated reviews and analysed their sentiment.",
    ),
    (
        "trap.knowledge_synthesis",
        "We used thematic analysis to synthesize the literature on nurse staffing.",
    ),
    (
        "trap.knowledge_synthesis",
        "We followed the JBI guidance for synthesizing evidence from qualitative studies.",
    ),
    # a reference-list entry stranded in the body (extraction lost the heading)
    (
        "reference_entry",
        "Smith J, Lee K. Synthetic data generation for clinical text. J Biomed Inform. "
        "2021;115:103701.",
    ),
    (
        "reference_entry",
        "[14] Chen Y, Patel R. Generating synthetic patient cohorts with Synthea. AMIA Annu "
        "Symp Proc. 2019:112-118.",
    ),
    # where the paper was published, quoting its own title (hw, synthpop)
    (
        "publication_note",
        "Published as Smith, Jane and Li Wei, \u201cPrivate Time Series with Synthetic Data,\u201d "
        "Journal of Official Statistics (2015).",
    ),
    (
        "publication_note",
        "This introduction is a slightly amended version of Nowok B (2016). synthpop: Bespoke "
        "Creation of Synthetic Data in R. Journal of Statistical Software.",
    ),
    # the authors' names start with a capital right after "published as"
    (
        "publication_note",
        "Published as Okafor, Ada M. and Lee Chen \u201cBayesian Synthetic Data for Linked "
        "Panels,\u201d Survey Methodology (2019) DOI:10.1000/sm.2019.12.",
    ),
    # "generation" as a language model's technical term (DeepSeek, MiniMax, MiMo reports)
    (
        "generation_term",
        "Compared with Llama 2, our model consumes 25% of the FLOPs at a generation length of "
        "100K tokens.",
    ),
    ("generation_term", "GPT-4 reaches a generation throughput of 5,000 tokens per second."),
    ("generation_term", "We introduce our first-generation reasoning models, built on Qwen."),
    # seen in papers of two or more sources each (written here, not copied)
    # the name of a lab, programme or meeting, in acknowledgements and funding statements
    (
        "trap.organisation_name",
        "We thank the Synthetic Data Lab at the university for computing support.",
    ),
    (
        "trap.organisation_name",
        "This work was funded by the Simulation and Modelling Initiative of the Wellcome Trust.",
    ),
    (
        "trap.organisation_name",
        "We thank the organisers of the Synthetic Data Workshop for their feedback.",
    ),
    ("trap.physical_diffusion", "We model pattern formation with a reaction-diffusion model."),
    (
        "trap.physical_diffusion",
        "Response times were fitted with a drift-diffusion model for each participant.",
    ),
    ("trap.evidence_synthesis", "We narratively synthesized the extracted data of 42 studies."),
    (
        "trap.evidence_synthesis",
        "Two reviewers extracted and synthesised the findings of the included studies.",
    ),
    (
        "trap.statistical_samples",
        "We drew 2,000 bootstrap samples to compute confidence intervals for the AUC.",
    ),
    ("trap.statistical_samples", "We generated posterior samples with four MCMC chains."),
    (
        "trap.posterior_sampling",
        "The weighted likelihood bootstrap generates samples from an approximate Bayesian "
        "posterior of the model.",
    ),
    ("trap.posterior_sampling", "We generated 4,000 draws from the joint posterior with Stan."),
    (
        "trap.made_by_people",
        "The questions were manually generated by two physicians from the guidelines.",
    ),
    ("trap.made_by_people", "Reports were generated by the participants during the sessions."),
    (
        "trap.in_silico_prediction",
        "We applied in silico prediction tools to the 312 variants found in the patients.",
    ),
    ("trap.in_silico_prediction", "Pathogenicity of each variant was predicted in silico."),
    (
        "trap.analysis_artefacts",
        "We generate the semantic dependency graphs by applying a state-of-the-art parser to "
        "each sentence.",
    ),
    (
        "trap.analysis_artefacts",
        "Interaction networks were generated through the Ingenuity pathway analysis of the "
        "differentially expressed genes.",
    ),
    (
        "trap.randomisation",
        "Patients were allocated by computer-generated block randomisation with blocks of four.",
    ),
    (
        "trap.randomisation",
        "We used a computer-generated random number list kept by the trials unit.",
    ),
    (
        "trap.laboratory_simulators",
        "Cells were measured under a class A solar simulator with an AM 1.5G filter.",
    ),
    ("trap.laboratory_simulators", "Pilots flew the approach in a full-motion flight simulator."),
    # simulation as a way to train people (medical and nursing education; written for the tests)
    (
        "trap.simulation_training",
        "Residents completed a simulation-based training course on central line insertion.",
    ),
    (
        "trap.simulation_training",
        "Each high-fidelity simulation session was followed by a structured debriefing.",
    ),
    (
        "trap.simulation_training",
        "Students interviewed standardized patients in the simulation centre.",
    ),
    ("trap.simulation_training", "Teams took part in monthly in situ simulations of sepsis."),
    ("trap.data_availability", "The following datasets were generated: RNA-seq reads (GEO)."),
    (
        "trap.data_availability",
        "All data generated or analysed during this study are included in this article.",
    ),
    (
        "trap.molecular_synthesis",
        "These coding sequences were synthesized and subcloned into pET-24a.",
    ),
    ("trap.molecular_synthesis", "Representative DNA sequences were synthesized as controls."),
    # the authors say they do not, or will later
    ("negation", "We did not use any synthetic data."),
    ("negation", "We did not use any synthetic, simulated or generated data in this study."),
    ("future", "We plan to train the classifier on synthetic images in future work."),
    # synthetic estimation of small areas in demography and epidemiology (written)
    (
        "trap.statistical_samples",
        "We used the synthetic population estimates of the census bureau to compute incidence "
        "rates.",
    ),
    (
        "trap.statistical_samples",
        "County prevalence was obtained by synthetic estimation from the national survey.",
    ),
    # rejection sampling as a Monte Carlo method (hw Bayesian privacy papers; written)
    (
        "trap.statistical_rejection_sampling",
        "We propose to use rejection sampling in order to sample from the truncated posterior "
        "distribution.",
    ),
    (
        "trap.statistical_rejection_sampling",
        "Rejection sampling with a Gaussian proposal gives exact draws from the target density.",
    ),
    # molecular biology: an IMAGE clone is a cDNA library, networks of genes come from a
    # pathway database, not from a generator (oastm, plos)
    (
        "molecular_biology",
        "FARS2 amplicons were generated from IMAGE clone 5088776 by standard PCR using a "
        "proofreading polymerase.",
    ),
    (
        "molecular_biology",
        "Ingenuity Pathway Analysis was used to generate networks of interacting genes.",
    ),
]

# A phrase that is a trap elsewhere, here a real use: (sentence in Methods, expected category).
TRAPS_THAT_ARE_USE: list[tuple[str, str]] = [
    (
        "We used rejection sampling to keep only the DeepSeek-R1 answers that passed the unit "
        "tests, and fine-tuned on them.",
        "llm_text",
    ),
    (
        "We generated 1,000 random graphs with the Erdos-Renyi model to test the algorithm.",
        "simulation",
    ),
    (
        "We generated synthetic patient records using the synthpop package and trained the "
        "risk model on them.",
        "synthetic_records",
    ),
    ("We generated 5,000 skin-lesion images with a latent diffusion model.", "generated_media"),
    (
        "We generated 3,000 synthetic dermoscopy images with a diffusion model, not with the "
        "reaction-diffusion texture model of earlier work.",
        "generated_media",
    ),
    ("We trained on synthetic SAR images generated by a GAN.", "generated_media"),
    (
        "We generated synthetic aperture radar images with a conditional GAN and added them to "
        "the training set.",
        "generated_media",
    ),
    (
        "We simulated 500 panels and fitted the synthetic control estimator to each of them.",
        "simulation",
    ),
    (
        "We generated synthetic peptide sequences with a generative model to train the "
        "identification network.",
        "synthetic_other",
    ),
    (
        "We used a diffusion model to generate synthetic fibre micrographs for training the "
        "classifier.",
        "generated_media",
    ),
    (
        "We compared simulated annealing and tabu search on 200 randomly generated instances.",
        "simulation",
    ),
    (
        "We prompted GPT-4 to generate 2,000 social-media posts about synthetic opioids to "
        "train the classifier.",
        "llm_text",
    ),
    # a name that is not an organisation's, and a use beside one
    (
        "We fine-tuned the student on 50,000 proofs from the generation run of GPT-4.",
        "llm_text",
    ),
    (
        "The synthetic cohort we generated with Synthea is published as open data on Zenodo.",
        "synthetic_records",
    ),
    (
        "We used the Synthetic Data Vault (SDV) to generate 10,000 synthetic loan records.",
        "synthetic_records",
    ),
    (
        "We generated synthetic records with the tool of the Synthetic Data Lab (Smith et al., "
        "2022).",
        "synthetic_records",
    ),
]


@pytest.fixture(scope="module")
def finder() -> Finder:
    return Finder()


def test_every_trap_pattern_is_exercised() -> None:
    trap_ids = {p.id for p in load_patterns().patterns if p.kind == "traps"}
    assert trap_ids - {kind for kind, _ in TRAP_SENTENCES} == set()


def test_trap_table_is_long_enough() -> None:
    assert len(TRAP_SENTENCES) >= 25


@pytest.mark.parametrize(
    "sentence",
    [pytest.param(s, id=f"{kind}-{i}") for i, (kind, s) in enumerate(TRAP_SENTENCES)],
)
def test_trap_never_gives_use(finder: Finder, sentence: str) -> None:
    findings = finder.find(build_document(("Methods", sentence)))
    used = [(f.sentence, f.category, f.pattern_ids) for f in findings if f.stance == "use"]
    assert used == []


@pytest.mark.parametrize(
    ("sentence", "category"),
    [pytest.param(*row, id=f"{row[1]}-{i}") for i, row in enumerate(TRAPS_THAT_ARE_USE)],
)
def test_trap_phrase_in_real_use_gives_use(finder: Finder, sentence: str, category: str) -> None:
    findings = finder.find(build_document(("Methods", sentence)))
    assert [(f.stance, f.category) for f in findings] == [("use", category)]


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param(s, id=f"publication_note-{i}")
        for i, (kind, s) in enumerate(TRAP_SENTENCES)
        if kind == "publication_note"
    ],
)
def test_publication_note_is_no_finding(finder: Finder, sentence: str) -> None:
    """Where the paper was published, quoting its own title, says nothing of its data."""
    assert finder.find(build_document(("Methods", sentence))) == []


REFERENCES = [
    "[1] Walonoski J, et al. Synthea: an approach, method, and software mechanism for "
    "generating synthetic patients. J Am Med Inform Assoc. 2018;25(3):230-238.",
    "[2] Karras T, Laine S, Aila T. A style-based generator architecture for generative "
    "adversarial networks. CVPR. 2019.",
    "[3] We generated 20,000 synthetic chest radiographs with StyleGAN2 and trained on them.",
    "Chawla NV, Bowyer KW, Hall LO, Kegelmeyer WP. SMOTE: synthetic minority over-sampling "
    "technique. J Artif Intell Res. 2002;16:321-357.",
]


@pytest.mark.parametrize("heading", ["References", "Bibliography", "7 REFERENCES"])
def test_references_section_never_yields_findings(finder: Finder, heading: str) -> None:
    doc = build_document(
        ("Introduction", NEUTRAL_INTRODUCTION),
        (heading, REFERENCES),
    )
    assert [s.kind for s in doc.sections] == ["introduction", "references"]
    assert finder.find(doc) == []


def test_only_the_body_yields_findings_when_references_follow(finder: Finder) -> None:
    body = "We trained the detector on 5,000 synthetic images generated with StyleGAN2."
    doc = build_document(("Methods", body), ("References", REFERENCES))
    findings = finder.find(doc)
    assert [(f.section, f.sentence) for f in findings] == [("methods", body)]
