"""Sentence tables for the detector tests, written for these tests (not taken from papers).

Each table is data: add a row when you add a pattern, a generator or a trap, and the tests pick
it up. ``PATTERN_CASES`` must have an entry for every cue id in ``cues.jsonl`` and every
generator in ``generators.toml`` (``test_every_pattern_id_has_sentences`` checks this).
"""

from __future__ import annotations

from typing import NamedTuple

from pipeline.document import Document, Metadata
from pipeline.sources.build import DocumentBuilder

# A neutral English paragraph (no synthetic-data or clinical words) so that papers built in
# tests have enough words for language detection.
NEUTRAL_INTRODUCTION = (
    "Floods are among the most costly natural hazards in Europe, and accurate maps of the "
    "inundated area help regional authorities to plan their response. In this paper we "
    "describe a processing chain that combines satellite observations with terrain models, and "
    "we report how well it works over three river basins during the spring of two years."
)


def build_document(*sections: tuple[str, str | list[str]], title: str | None = None) -> Document:
    """A text Document from ``(heading, paragraph or paragraphs)`` pairs, in order."""

    b = DocumentBuilder()
    for heading, paragraphs in sections:
        b.heading(heading)
        for paragraph in [paragraphs] if isinstance(paragraphs, str) else paragraphs:
            b.paragraph(paragraph)
    return b.build(format="text", extractor="text", metadata=Metadata(title=title))


class PatternCase(NamedTuple):
    """Sentences for one pattern id, each placed alone in a Methods section.

    ``positives`` must give a finding whose pattern_ids include the id (and whose category is
    ``category`` when that is not None); ``negatives`` must give no finding with the id.
    """

    category: str | None
    positives: tuple[str, ...]
    negatives: tuple[str, ...]


PATTERN_CASES: dict[str, PatternCase] = {
    # ---- cues.jsonl ----------------------------------------------------------------------
    "synth.synthetic_data": PatternCase(
        "synthetic_other",
        (
            "We trained the sentence classifier on a synthetic dataset of 12,000 short "
            "product descriptions.",
            "We created synthetic training data for the parser by recombining fragments of "
            "existing parse trees.",
            "We evaluated all five schema-matching tools on a synthetic benchmark of 300 "
            "table pairs.",
        ),
        (
            "We applied the synthetic control method to state-level data on tobacco sales.",
            "We merged the survey data with administrative tax records for 4,300 households.",
        ),
    ),
    "synth.synthesized_data": PatternCase(
        "synthetic_other",
        (
            "We synthesized data for 2,000 virtual machines by recombining configuration "
            "templates and used it to tune the scheduler.",
            "We added the synthesised data to the training split of each task.",
        ),
        (
            "We summarised the evidence from the 42 included trials in a narrative synthesis.",
            "We synthesized the peptide in two steps and confirmed its mass by spectrometry.",
        ),
    ),
    "records.virtual_patients": PatternCase(
        "synthetic_records",
        (
            "Digital twins of 300 patients were generated from the registry data.",
            "Virtual patients were sampled from the joint distribution of the covariates.",
        ),
        (
            "Medical students practised history taking with virtual patients.",
            "Digital twins of wind turbines were used to plan maintenance.",
        ),
    ),
    "synth.predicative": PatternCase(
        "synthetic_other",
        (
            "No real patient data were used; all records were synthetic.",
            "We trained every model on our corpus, whose texts are entirely synthetic.",
        ),
        (
            "The fibres of the jackets were synthetic.",
            "We asked whether the images were synthetic or real.",
        ),
    ),
    "synth.back_translation": PatternCase(
        "synthetic_other",
        (
            "We augmented the corpus with back-translated sentences.",
            "We doubled the low-resource training set with back-translation through German.",
        ),
        (
            "Back-translation is a common augmentation in machine translation.",
            "Two bilingual researchers checked the back-translation of the questionnaire items.",
        ),
    ),
    "synth.generated_data": PatternCase(
        "synthetic_other",
        (
            "We trained the detector on the generated dataset and compared it with a detector "
            "trained on the original photographs.",
            "We used the generated samples to pre-train the encoder before fine-tuning it on "
            "the labelled corpus.",
        ),
        (
            "We coded the user-generated data collected from 3,000 forum posts.",
            "We generated summary statistics for the data collected at each site.",
        ),
    ),
    "synth.synthetic_noun": PatternCase(
        "synthetic_other",
        (
            "We produced synthetic electrocardiogram signals for 400 virtual subjects and "
            "trained the beat classifier on them.",
            "We released synthetic transaction records for 50,000 fictitious customers.",
            # units of clinical and dialogue data (written cases)
            "The early-warning model was trained on 40,000 synthetic ICU stays.",
            "The readmission model was evaluated on 8,000 synthetic hospital visits.",
        ),
        (
            "We measured the tensile strength of synthetic rubber samples under cyclic load.",
            "We compared synthetic dye concentrations in the reports of 12 textile plants.",
            "We compared the synthesis yields of the two catalysts across 12 batches.",
        ),
    ),
    "synth.synthesize_verb": PatternCase(
        None,
        (
            "We synthesize approximately 40,000 logic puzzles with a rule-based framework.",
            "We synthesized 2,000 question-answer pairs for the reading task.",
        ),
        (
            "We synthesized the compound in three steps from commercial precursors.",
            "Cells synthesize collagen under mechanical load.",
        ),
    ),
    "synth.generate_verb": PatternCase(
        None,
        (
            "We generated 500 random graphs with 1,000 to 16,000 vertices for the timing study.",
            "We generate the test cases by drawing item counts from a Zipf distribution.",
        ),
        (
            "The survey generated a great deal of interest among participants.",
            "We measured how many cases the clinic saw in each month.",
            # made from real data, or arising in them (seen in: plos, grobid)
            "We rendered the polygon meshes generated from the micro-CT datasets.",
            "We compared the routing overhead generated in various network scenarios.",
        ),
    ),
    "media.synthetic_noun": PatternCase(
        "generated_media",
        (
            "We added 8,000 synthetic chest X-rays to the training set of the classifier.",
            "We trained the detector on generated street scenes and tested it on dashcam video.",
        ),
        (
            "We photographed the synthetic fibres under a scanning electron microscope.",
            "We scanned the artificial joint replacements with a laboratory CT scanner.",
        ),
    ),
    "llm.generated_text": PatternCase(
        "llm_text",
        (
            "We fine-tuned the model on 52,000 self-instruct examples bootstrapped from 175 "
            "seed tasks.",
            "We augmented the training set with LLM-generated paraphrases of every question.",
            "We fine-tuned the retriever on 8,000 model-written questions about tax law.",
        ),
        (
            "We grouped the questions raised during the focus groups into five themes.",
            "We transcribed the interviews verbatim and coded the answers of each participant.",
        ),
    ),
    "labels.model_annotation": PatternCase(
        "model_labels",
        (
            "We assigned pseudo-labels to the 80,000 unlabelled scans with the teacher "
            "network and retrained the student on them.",
            "We used GPT-4 as an annotator to label the sentiment of 5,000 tweets.",
            "We used an LLM-as-a-judge protocol to score every generated answer.",
            "Each answer was scored by an LLM judge on a five-point scale.",
        ),
        (
            "Two board-certified dermatologists labelled every image independently.",
            "Two human judges scored each answer on a five-point scale.",
            "We labelled the images manually and resolved disagreements by discussion.",
        ),
    ),
    "media.generative_models": PatternCase(
        "generated_media",
        (
            "We generated 4,000 synthetic images of skin lesions with a latent diffusion model.",
            "We trained a generative adversarial network to produce synthetic speech for "
            "three low-resource dialects.",
        ),
        (
            "We measured the diffusion coefficient of the tracer in each hydrogel.",
            "We photographed every specimen under polarised light and stored the raw images.",
            # a model named as a technique, nothing made or used with it (seen in: pm, hw)
            "A generative adversarial network pairs a generator with a discriminator.",
        ),
    ),
    "media.generated_images": PatternCase(
        "generated_media",
        (
            "The classifier was trained on 4,000 synthetic images of skin lesions.",
            "Half of the test set consisted of GAN-generated faces and rendered images.",
        ),
        (
            "The classifier was trained on 4,000 dermoscopy images of skin lesions.",
            "Half of the test set consisted of photographed faces.",
        ),
    ),
    "records.synthetic_patients": PatternCase(
        "synthetic_records",
        (
            "We generated a synthetic cohort of 10,000 patients with type 2 diabetes to "
            "train the risk model.",
            "We released fully synthetic microdata for the household survey so that external "
            "researchers can run their own analyses.",
        ),
        (
            "We used a synthetic cohort analysis of repeated cross-sections to follow birth "
            "cohorts over time.",
            "We enrolled 412 patients with type 2 diabetes from three outpatient clinics.",
        ),
    ),
    "records.generators": PatternCase(
        "synthetic_records",
        (
            "We used CTGAN to synthesise 20,000 loan applications from the original credit table.",
            "We generated 1,000 patient histories with Synthea and loaded them into the test "
            "database.",
        ),
        (
            "Gretel Hansen coded the interview transcripts independently.",
            "We measured synthase activity in the liver homogenates.",
            # a synthesizer named, nothing made or used with it (seen in: hw, synthpop)
            "Our DPGAN is different from earlier private models by clipping only weights.",
        ),
    ),
    "participants.silicon": PatternCase(
        "simulated_participants",
        (
            "We prompted the model with 1,000 LLM personas and had them complete the "
            "questionnaire in place of human respondents.",
            "We collected a silicon sample of 3,000 simulated respondents, each conditioned "
            "on a demographic profile from the census.",
        ),
        (
            "We recruited 240 human participants to play a stock-trading game on tablets.",
            "We used standardized patients to assess the communication skills of residents.",
        ),
    ),
    "oversampling.smote": PatternCase(
        "oversampling",
        (
            "We applied SMOTE to the training folds to balance the minority class of "
            "fraudulent transactions.",
            "We oversampled the rare arrhythmia classes with ADASYN before training the network.",
        ),
        (
            "We compared random undersampling of the majority class with class weighting.",
            "We weighted the loss by inverse class frequency to handle the rare classes.",
        ),
    ),
    "sim.simulated_data": PatternCase(
        "simulation",
        (
            "We simulated data for 500 replicates under each scenario and fitted the mixed "
            "model to every replicate.",
            "We evaluated the peak caller on simulated reads from a 30x human genome.",
        ),
        (
            "We used simulated annealing to search the space of tree topologies.",
            "We exposed the coupons to simulated sunlight for 500 hours.",
        ),
    ),
    "sim.simulated_noun": PatternCase(
        "simulation",
        (
            "We trained the segmentation network on simulated ultrasound images and tested "
            "it on phantom scans.",
            "We injected simulated transit signals into the light curves to measure the "
            "recovery rate of the pipeline.",
        ),
        (
            "We soaked the scaffolds in simulated body fluid and imaged the samples weekly.",
            "We used simulated annealing to place the sensors on the grid.",
        ),
    ),
    "sim.simulation_study": PatternCase(
        "simulation",
        (
            "We conducted a simulation study to compare the coverage of the three interval "
            "estimators.",
            "We ran Monte Carlo simulations with 10,000 replications to assess the type I "
            "error of the test.",
        ),
        (
            "We delivered simulation-based training to 45 final-year nursing students.",
            "We derived the variance of the estimator analytically.",
        ),
    ),
    "sim.simulators": PatternCase(
        "simulation",
        (
            "We collected 40 hours of driving data in the CARLA simulator under varied weather.",
            "We trained the grasping policy in MuJoCo with domain randomization and "
            "deployed it on a real arm.",
        ),
        (
            "Carla Mendes coded the interview transcripts independently.",
            "We recorded every trip of the 30 drivers with a dashboard camera.",
        ),
    ),
    "sim.random_instances": PatternCase(
        "simulation",
        (
            "We benchmarked the solver on 1,000 randomly generated graphs with up to 500 vertices.",
            "We evaluated the clustering algorithm on synthetic point sets drawn from "
            "Gaussian mixtures.",
        ),
        (
            "We recorded network traces from 12 production servers over two weeks.",
            "We counted the toys each child chose during the free-play session.",
        ),
    ),
    # The classes below were seen on papers of at least two corpus sources each (named in the
    # comment); the sentences are written for the tests, not copied from the papers.
    # data drawn from a stated distribution (seen in: plos, grobid, oastm)
    "sim.random_draws": PatternCase(
        "simulation",
        (
            "Task durations were generated according to a uniform distribution between 1 and "
            "10 seconds.",
            "Two noisy copies of each point set were generated by adding zero-mean Gaussian noise.",
            "The initial workloads were randomly sampled from a normal distribution with mean 40.",
        ),
        (
            "The residuals of the fitted model followed a normal distribution.",
            # parameters of an experiment or an algorithm, not data (seen in: plos, oastm)
            "Flanker orientation was drawn from a uniform distribution on each trial.",
            "We generated a report of the uniform distribution of the sampling sites.",
        ),
    ),
    # data made by a simulation, whoever names it (seen in: pdf, jats)
    # a language model plays the person a study would ask (written after the silicon-sample
    # and simulated-patient papers of plos and pqa); a trained actor is a real person
    "participants.model_role_play": PatternCase(
        "simulated_participants",
        (
            "Instead of recruiting patients, we simulated 200 interviews with an LLM playing "
            "the patient.",
            "GPT-4 acting as the survey respondent answered all 44 items of the inventory.",
            "Each dialogue paired our triage bot with ChatGPT role-playing a patient with chest "
            "pain.",
        ),
        (
            "A trained actor playing the patient took part in each of the 40 simulated "
            "consultations.",
            "The model acting as the classifier was trained on 4,000 synthetic notes.",
        ),
    ),
    # 'model generated' as a modifier, not a model that generated its output or was generated
    # by a fitting procedure (plos connectome and ecology models)
    "synth.model_generated": PatternCase(
        "synthetic_other",
        (
            "We trained the planner on 20,000 model generated trajectories of the arm.",
            "The classifier was evaluated on model generated sequences of varying length.",
        ),
        (
            "The model generated predictions for all 3,200 test patients within two seconds.",
            "Connectome model generated by a single curvature parameter.",
            "The model generated accurate forecasts for 11 of the 12 months.",
        ),
    ),
    # a model made to stand for people (seen in: researchmat Turing-experiment and homo silicus
    # papers; written)
    "participants.simulate_people": PatternCase(
        "simulated_participants",
        (
            "We used GPT-3 to simulate multiple humans in replications of four classic studies.",
            "Simulating survey respondents with Llama 2 cost less than one dollar per wave.",
        ),
        (
            "We simulate human movement with a musculoskeletal model of the lower limb.",
            "Simulated patients played by trained actors took part in every consultation.",
        ),
    ),
    "participants.people_simulated": PatternCase(
        "simulated_participants",
        (
            "Because our respondents were simulated by an LLM, the results may not transfer "
            "to real voters.",
            "All 400 participants were simulated with GPT-4 personas drawn from census margins.",
        ),
        (
            "Participants were simulated patients played by trained actors.",
            "The respondents were interviewed by phone, and their answers were simulated nowhere.",
        ),
    ),
    # synthetic data named in a pair (written; the negations of clinical methods sections)
    "synth.coordinated": PatternCase(
        "synthetic_other",
        (
            "We did not use any synthetic or augmented data at any stage of this study.",
            "The detector was trained on synthetic and real data in equal parts.",
        ),
        ("The synthetic and the natural rubber samples were stretched to failure.",),
    ),
    # a language model used to write or label (not another kind of model)
    "llm.model_used_to_write": PatternCase(
        "llm_text",
        (
            "A language model was used to generate 3,000 patient questions for the test set.",
            "ChatGPT was used to paraphrase every item of the reading test.",
        ),
        ("A Markov model was used to generate the sequence of weather states.",),
    ),
    # a language model as the subject of a verb of labelling (written after the survey-coding
    # and LLM-as-judge papers of researchmat and kimik15)
    "labels.llm_coded": PatternCase(
        "model_labels",
        (
            "Two LLMs independently coded each open-ended answer, and their codes were used as "
            "the outcome variable.",
            "ChatGPT classified the 4,000 tweets by stance before we trained the student model.",
        ),
        ("The models classified 88% of the real radiology reports correctly.",),
    ),
    # generative AI used to write, and not any "AI" that generates predictions
    "llm.generative_ai_used_to_write": PatternCase(
        "llm_text",
        (
            "Generative AI tools were used to produce the first drafts of the 300 vignettes.",
            "Generative AI was used to write the distractors of every test item.",
        ),
        ("An AI model was used to generate risk scores for all admitted patients.",),
    ),
    "sim.made_by_simulation": PatternCase(
        "simulation",
        (
            "Training data were generated with a finite-element simulation of the beam.",
            "We produced 4,000 labelled spectra using Monte Carlo simulations of the detector.",
            "The seismic sections were created from numerical simulations of CO2 injection.",
        ),
        (
            "Scenarios were created with the nursing faculty for each simulation session.",
            "We generated hypotheses with clinicians during a simulation game.",
            "The feedback was produced by the trainees after the simulation.",
        ),
    ),
    # the paper's own simulation runs (seen in: plos, oastm, grobid)
    "sim.the_simulation": PatternCase(
        "simulation",
        (
            "All simulations were repeated ten times with different random subscribers.",
            "We ran the simulation for 500 virtual days and averaged the delays.",
            "The results of these simulations are averaged into one point per level.",
        ),
        (
            "Nurses completed the simulation training before the ward rotation.",
            "The simulation of wound healing by Murray is reviewed in the next section.",
        ),
    ),
    # text or labels made by a language model, in the passive (seen in: unst, pm, o1journey)
    "llm.generated_by_model": PatternCase(
        "llm_text",
        (
            "We fine-tuned the student on rationales generated by an LLM of 175B parameters.",
            "Each summary was written by the LLM from the first sentence of every paragraph.",
        ),
        ("Each summary was written by two clinicians from the first sentence of every paragraph.",),
    ),
    "llm.generated_by_language_model": PatternCase(
        "llm_text",
        (
            "We trained on chain-of-thought data generated by large language models.",
            "The test questions were written by a language model and checked by two students.",
        ),
        (
            "The test questions were written by a teacher and checked by two students.",
            "X is then what is generated by the generative model of the scene.",
        ),
    ),
    # synthetic data beside real data (seen in: oastm, hw, plos)
    "synth.synthetic_vs_real": PatternCase(
        None,
        (
            "We compared the correlation between the synthetic and real seismic sections.",
            "We fed the monitor either synthetic or real-world workload in each iteration.",
        ),
        (
            "The jacket combines synthetic and natural fibres.",
            "We compared the correlation between the early and late seismic sections.",
        ),
    ),
    # units of a simulated workload, in the passive (seen in: grobid, oastm)
    "sim.passive_generated_units": PatternCase(
        None,
        (
            "For each run, tasks are generated off-line and given to the scheduler.",
            "When a new message is generated, a message type is assigned to it.",
        ),
        (
            "For each run, tasks are assigned off-line and given to the scheduler.",
            "Heat is generated when the battery discharges.",
            "The following datasets were generated: raw reads (GEO GSE1234).",
            "Gene graphs were first generated by IGV and then modified for clarity.",
        ),
    ),
    # ---- generators.toml -----------------------------------------------------------------
    # speech synthesis and voice cloning
    "generator.elevenlabs": PatternCase(
        "generated_media",
        (
            "The voice clips in the test set were cloned with ElevenLabs from ten consenting "
            "speakers.",
            "We generated 2,000 spoken prompts with ElevenLabs to train the wake-word detector.",
        ),
        ("Participants rated how natural the ElevenLabs website looked on a five-point scale.",),
    ),
    "generator.tacotron_2": PatternCase(
        "generated_media",
        (
            "We synthesized 40 hours of training speech with Tacotron 2 and a HiFi-GAN vocoder.",
            "The keyword spotter was trained on utterances produced by Tacotron for 300 voices.",
        ),
        ("Tacotron 2 was proposed as an end-to-end model for speech synthesis.",),
    ),
    "generator.fastspeech_2": PatternCase(
        "generated_media",
        (
            "Synthetic speech for the 50 rare words was generated with FastSpeech 2.",
            "We augmented the ASR training set with audio produced by FastSpeech 2.",
        ),
        ("FastSpeech 2 improves the duration predictor of FastSpeech.",),
    ),
    "generator.vall_e": PatternCase(
        "generated_media",
        (
            "We cloned each speaker's voice with VALL-E from a three-second sample.",
            "The spoofed utterances were generated with VALL-E X for all 120 speakers.",
        ),
        ("VALL-E frames speech synthesis as language modelling over codec tokens.",),
    ),
    # simulators named in physics, networking and robotics papers
    "generator.geant4": PatternCase(
        "simulation",
        (
            "Detector responses for 2 million muons were simulated with Geant4.",
            "We generated the training showers with GEANT4 and tested on beam data.",
        ),
        ("Geant4 is a toolkit for the passage of particles through matter.",),
    ),
    "generator.ns_3": PatternCase(
        "simulation",
        (
            "Traffic traces for 50 nodes were generated with ns-3 and used to train the detector.",
            "We simulated the vehicular network in ns-2 with 200 mobile nodes.",
        ),
        ("The ns-3 project is maintained by a community of volunteers.",),
    ),
    "generator.unity": PatternCase(
        "simulation",
        (
            "We rendered 60,000 labelled images of shelves with Unity Perception.",
            "Training episodes were generated in the Unity game engine with randomized lighting.",
        ),
        ("The unity of the two teams was discussed in the interviews.",),
    ),
    "generator.unreal_engine": PatternCase(
        "simulation",
        (
            "Synthetic street scenes were rendered in Unreal Engine 4 for 30 weather settings.",
            "We generated 12,000 depth maps with Unreal Engine and trained the network on them.",
        ),
        ("Unreal Engine 5 is developed by Epic Games.",),
    ),
    "generator.isaac_gym": PatternCase(
        "simulation",
        (
            "The grasping policy was trained in Isaac Gym with randomized object masses.",
            "We generated 2 million contact-rich episodes in Isaac Sim for pre-training.",
        ),
        ("Isaac Gym runs rigid-body physics on the GPU.",),
    ),
    "generator.pybullet": PatternCase(
        "simulation",
        (
            "We simulated 10,000 pushing trajectories in PyBullet to train the dynamics model.",
            "Training data were generated with PyBullet for five object shapes.",
        ),
        ("PyBullet is a Python module for physics simulation.",),
    ),
    "generator.matsim": PatternCase(
        "simulation",
        (
            "Daily travel plans for 10% of the population were simulated with MATSim.",
            "We generated 500 demand scenarios with MATSim and trained the pricing model on them.",
        ),
        ("The MATSim community meets once a year in Berlin.",),
    ),
    "generator.blender": PatternCase(
        "simulation",
        (
            "Training images were rendered in Blender with randomized lighting and camera poses.",
            "We generated 30,000 labelled depth maps with Blender for the grasp detector.",
        ),
        ("The tissue was homogenised in a blender for 30 seconds.",),
    ),
    "generator.starcoder": PatternCase(
        "llm_text",
        (
            "We generated 15,000 synthetic Python programs with StarCoder and kept those that "
            "passed the tests.",
            "Docstrings for the 3,000 functions were written by StarCoder2.",
        ),
        ("StarCoder was trained on permissively licensed code from GitHub.",),
    ),
    "generator.code_llama": PatternCase(
        "llm_text",
        (
            "Candidate patches were generated with Code Llama for every failing test.",
            "We prompted CodeLlama to write 500 SQL queries for the benchmark.",
        ),
        ("Code Llama extends Llama 2 with a longer context window.",),
    ),
    "generator.mdclone": PatternCase(
        "synthetic_records",
        (
            "The model was developed on a synthetic replica of the hospital's EHR produced by "
            "MDClone.",
            "Synthetic admissions for 2019 were generated with MDClone and shared with the team.",
        ),
        ("MDClone was founded in Israel in 2016.",),
    ),
    "generator.cmip": PatternCase(
        "simulation",
        (
            "Climate projections for 2050 were taken from 20 CMIP6 model runs and used to train "
            "the downscaling network.",
            "We used CMIP5 simulations of sea-surface temperature as training data.",
        ),
        ("The CMIP6 protocol defines the shared socioeconomic pathways.",),
    ),
    "generator.gpt_4": PatternCase(
        "llm_text",
        (
            "We prompted GPT-4 to generate 3,000 multiple-choice questions about pharmacology.",
            "We used gpt-4-turbo to write counter-arguments for every claim in the training set.",
        ),
        ("We prompted GPT-4o-mini to generate 3,000 multiple-choice questions.",),
    ),
    "generator.gpt_4o": PatternCase(
        "llm_text",
        (
            "We used GPT-4o to generate captions for 20,000 product photographs.",
            "We prompted gpt-4o-mini to rewrite each instruction in three registers.",
        ),
        ("We prompted GPT-4 to rewrite each instruction in three registers.",),
    ),
    "generator.gpt_3_5": PatternCase(
        "llm_text",
        (
            "We used gpt-3.5-turbo to generate paraphrases of all 800 test questions.",
            "We prompted text-davinci-003 to produce an explanation for each answer key.",
        ),
        ("We prompted GPT-3 to generate paraphrases of all 800 test questions.",),
    ),
    "generator.chatgpt": PatternCase(
        "llm_text",
        (
            "We asked ChatGPT to write ten product reviews for each of the 200 items.",
            "We used ChatGPT to generate discharge summaries for the fictitious cases.",
        ),
        ("We surveyed 300 undergraduates about how often they use ChatGPT for homework.",),
    ),
    "generator.gpt_3": PatternCase(
        "llm_text",
        (
            "We used GPT-3 to generate 5,000 short news headlines.",
            "We prompted gpt3 to complete each story prefix with two sentences.",
        ),
        ("We used GPT-3.5 to generate 5,000 short news headlines.",),
    ),
    "generator.o1": PatternCase(
        "llm_text",
        (
            "We used o1-mini to generate step-by-step solutions for 4,000 competition problems.",
            "We prompted OpenAI o1 to write proofs for the lemmas in the training split.",
        ),
        ("We used the occipital electrodes O1 and O2 as reference channels.",),
    ),
    "generator.llama_2": PatternCase(
        "llm_text",
        (
            "We prompted Llama-2-70B-chat to generate 10,000 customer-support dialogues.",
            "We used Llama 2 to write short stories for the reading-comprehension set.",
        ),
        ("We prompted Llama 3 to write short stories for the reading-comprehension set.",),
    ),
    "generator.llama_3": PatternCase(
        "llm_text",
        (
            "We used Llama-3-8B to generate 2,000 clarification questions.",
            "We prompted Llama 3.1 to rewrite the instructions in plain language.",
        ),
        ("We prompted Llama 2 to rewrite the instructions in plain language.",),
    ),
    "generator.llama": PatternCase(
        "llm_text",
        (
            "We prompted LLaMA to generate answers to 1,500 trivia questions.",
            "We used LLaMA-2 to produce summaries of the meeting transcripts.",
        ),
        ("We weighed each llama and alpaca at the farm every month.",),
    ),
    "generator.claude": PatternCase(
        "llm_text",
        (
            "We used Claude 3.5 Sonnet to generate 600 phishing e-mails for the detector's "
            "training set.",
            "We prompted Claude to write alternative endings for each story.",
        ),
        ("Claude Martin conducted all interviews in French.",),
    ),
    "generator.gemini": PatternCase(
        "llm_text",
        (
            "We used Gemini 1.5 Pro to generate descriptions of 3,000 museum objects.",
            "We prompted Gemini to write follow-up questions for every dialogue turn.",
        ),
        ("We obtained the spectra with the Gemini North telescope.",),
    ),
    "generator.palm": PatternCase(
        "llm_text",
        (
            "We prompted PaLM 2 to generate reasoning chains for 8,000 arithmetic problems.",
            "We used PaLM to write distractors for each multiple-choice item.",
        ),
        ("We measured palm oil yield on 40 smallholder plantations.",),
    ),
    "generator.mistral": PatternCase(
        "llm_text",
        (
            "We used Mistral Large to generate 12,000 instruction-response pairs.",
            "We prompted Mistral-7B to write summaries of every abstract in the corpus.",
        ),
        ("We analysed hourly wind speeds during Mistral events in the Rhône valley.",),
    ),
    "generator.qwen": PatternCase(
        "llm_text",
        (
            "We used Qwen2.5-72B-Instruct to generate 30,000 math word problems.",
            "We prompted QwQ-32B to write solutions for the competition problems.",
        ),
        ("We compared our parser against Qwen2.5 as a baseline on the reading task.",),
    ),
    "generator.deepseek": PatternCase(
        "llm_text",
        (
            "We distilled 80,000 reasoning traces from DeepSeek-R1 into the student model.",
            "We used DeepSeek-V3 to generate unit tests for every function in the repository.",
        ),
        ("We prompted DeepSeek-Coder to generate unit tests for every function.",),
    ),
    "generator.vicuna": PatternCase(
        "llm_text",
        (
            "We used Vicuna to generate responses to the 500 held-out prompts.",
            "Answers to the 300 medical questions were generated by Vicuna-13B.",
        ),
        ("We counted vicuna and alpaca herds in the Andean highlands.",),
    ),
    # Alpaca is its own model (Stanford), not a name of Vicuna
    "generator.alpaca": PatternCase(
        "llm_text",
        (
            "We fine-tuned the student on 52,000 demonstrations generated by Alpaca.",
            "We used Alpaca to write 2,000 follow-up questions for the dialogue set.",
        ),
        ("Alpaca fibre was blended with wool for the knitted samples.",),
    ),
    # Codex, the code model (not the Codex Alimentarius nor a manuscript)
    "generator.codex": PatternCase(
        "llm_text",
        (
            "Unit tests for every function were written by Codex and then executed to filter "
            "wrong solutions.",
            "We prompted Codex to generate 5,000 Python solutions for the benchmark problems.",
        ),
        (
            "The Codex Alimentarius sets limits for pesticide residues in food.",
            "The medieval codex was digitised at 600 dpi.",
        ),
    ),
    "generator.stable_diffusion": PatternCase(
        "generated_media",
        (
            "We generated 2,000 images of rare bird species with Stable Diffusion v1.5.",
            "We used SDXL to synthesize product photographs on plain backgrounds.",
        ),
        ("We observed stable diffusion of the fluorescent tracer across the membrane.",),
    ),
    "generator.dall_e": PatternCase(
        "generated_media",
        (
            "We generated 500 illustrations of household objects with DALL-E 3.",
            "We used DALL·E 2 to create the stimulus pictures for the naming task.",
        ),
        ("We scored each passage with the Dale-Chall readability formula.",),
    ),
    "generator.midjourney": PatternCase(
        "generated_media",
        (
            "We generated 300 landscape paintings with Midjourney for the aesthetic "
            "judgement task.",
            "We used Midjourney to create the product mock-ups shown to participants.",
        ),
        ("We interviewed 20 illustrators about their attitudes towards Midjourney.",),
    ),
    "generator.stylegan2": PatternCase(
        "generated_media",
        (
            "We trained StyleGAN2-ADA on 8,000 retinal photographs and sampled 20,000 "
            "synthetic fundus images.",
            "We generated 10,000 face images with StyleGAN2 for the recognition experiment.",
        ),
        ("We generated 10,000 face images with StyleGAN3 for the recognition experiment.",),
    ),
    "generator.stylegan": PatternCase(
        "generated_media",
        (
            "We used StyleGAN to generate 5,000 textures of woven fabric.",
            "We sampled 10,000 faces from a pretrained StyleGAN3 model.",
        ),
        ("We sampled 10,000 faces from a pretrained StyleGAN2 model.",),
    ),
    "generator.cyclegan": PatternCase(
        "generated_media",
        (
            "We used CycleGAN to translate the MRI volumes into synthetic CT volumes.",
            "We trained a cycle-GAN to convert daytime street images into night-time images.",
        ),
        ("We compared our translation network with CycleGAN as a baseline.",),
    ),
    "generator.gan": PatternCase(
        "generated_media",
        (
            "We trained a GAN to generate spectrograms of rare bird calls.",
            "We used a WGAN-GP to synthesize additional vibration signals for the fault classes.",
        ),
        ("We followed the preprocessing described by Gan et al. (2021).",),
    ),
    "generator.synthea": PatternCase(
        "synthetic_records",
        (
            "We generated 50,000 patient records with Synthea for the state of Massachusetts.",
            "We used Synthea™ to simulate longitudinal histories of 5,000 patients.",
        ),
        ("We measured citrate synthase activity in each muscle biopsy.",),
    ),
    "generator.ctgan": PatternCase(
        "synthetic_records",
        (
            "We trained CTGAN on the claims table and generated 100,000 synthetic rows.",
            "We used a CT-GAN to synthesize the laboratory results of the control group.",
        ),
        ("We acquired contrast-enhanced CT images for all 212 patients.",),
    ),
    "generator.timegan": PatternCase(
        "synthetic_records",
        (
            "We generated 100,000 one-year market scenarios with a TimeGAN trained on daily "
            "returns.",
            "Synthetic ICU vital-sign series were produced with DoppelGANger.",
        ),
        ("The time gain of the new scheduler was 12% over the baseline.",),
    ),
    "generator.tvae": PatternCase(
        "synthetic_records",
        (
            "We used TVAE to generate a synthetic copy of the census extract.",
            "We trained a TVAE on the loan table and sampled 50,000 rows from it.",
        ),
        ("We trained a variational autoencoder to compress the loan table.",),
    ),
    "generator.sdv": PatternCase(
        "synthetic_records",
        (
            "We used the SDV library to generate synthetic versions of the three registry tables.",
            "We generated the relational test data with the Synthetic Data Vault.",
        ),
        ("We report the SD values of every variable in the second table.",),
    ),
    "generator.synthpop": PatternCase(
        "synthetic_records",
        (
            "We used the R package synthpop to generate five synthetic copies of the "
            "longitudinal survey.",
            "We generated the released microdata with synthpop using CART models.",
        ),
        ("We analysed the longitudinal survey with the R package survey.",),
    ),
    "generator.medgan": PatternCase(
        "synthetic_records",
        (
            "We trained MedGAN on the billing codes and generated 40,000 synthetic patient "
            "records.",
            "We used medGAN to produce binary diagnosis vectors for the privacy analysis.",
        ),
        ("We extracted the billing codes of every medical encounter.",),
    ),
    "generator.pate_gan": PatternCase(
        "synthetic_records",
        (
            "We used PATE-GAN to generate differentially private copies of the admissions table.",
            "We trained PATEGAN with an epsilon of 1 and released the sampled rows.",
        ),
        ("We estimated the patellar tendon length on lateral radiographs.",),
    ),
    "generator.dp_gan": PatternCase(
        "synthetic_records",
        (
            "We used DP-GAN to generate a private version of the transaction log.",
            "We trained a DPGAN on the sensor readings and sampled 10,000 records.",
        ),
        ("We measured diastolic pressure (DP) in every participant.",),
    ),
    "generator.datasynthesizer": PatternCase(
        "synthetic_records",
        (
            "We used DataSynthesizer in correlated attribute mode to generate the "
            "benchmark tables.",
            "We generated a private copy of the voter file with DataSynthesizer.",
        ),
        ("We summarised the voter file with descriptive statistics.",),
    ),
    "generator.smote": PatternCase(
        "oversampling",
        (
            "We applied SMOTE to the training folds of the credit-default data.",
            "We used SMOTE-NC to oversample the minority class of the mixed-type table.",
        ),
        ("We applied Borderline-SMOTE to the training folds of the credit-default data.",),
    ),
    "generator.borderline_smote": PatternCase(
        "oversampling",
        (
            "We applied Borderline-SMOTE to the training folds of the churn data.",
            "We used borderline SMOTE to oversample the defaulting customers.",
        ),
        ("We applied SMOTE to the training folds of the churn data.",),
    ),
    "generator.adasyn": PatternCase(
        "oversampling",
        (
            "We used ADASYN to oversample the rare seizure windows.",
            "We applied ADASYN to the training split of the intrusion data.",
        ),
        ("We applied SMOTE to the training split of the intrusion data.",),
    ),
    "generator.carla": PatternCase(
        "simulation",
        (
            "We generated 30 hours of driving footage in CARLA under eight weather presets.",
            "We rendered pedestrian crossings in the CARLA simulator to train the detector.",
        ),
        ("Carla Mendes collected the driving logs from the 30 volunteers.",),
    ),
    "generator.airsim": PatternCase(
        "simulation",
        (
            "We generated 15,000 aerial images in AirSim for the landing-site detector.",
            "We used AirSim to produce depth maps of urban canyons.",
        ),
        ("We flew the quadrotor over 12 farms and recorded aerial images.",),
    ),
    "generator.mujoco": PatternCase(
        "simulation",
        (
            "We trained the locomotion policy in MuJoCo for 10 million steps.",
            "We generated 2,000 grasping trajectories with MuJoCo.",
        ),
        ("We recorded 2,000 grasping trajectories on the physical robot arm.",),
    ),
    "generator.gazebo": PatternCase(
        "simulation",
        (
            "We simulated the warehouse robot in Gazebo to collect 5,000 laser scans.",
            "We used Gazebo to generate lidar sweeps of the greenhouse rows.",
        ),
        ("We recorded lidar sweeps of the greenhouse rows with the physical robot.",),
    ),
    "generator.xmlgen": PatternCase(
        "synthetic_records",
        (
            "We generated a 1 GB XMark document with xmlgen and ran the 20 benchmark "
            "queries on it.",
            "We used xmlgen to produce documents of 10 MB to 10 GB.",
        ),
        ("We wrote the XML schema by hand from the specification.",),
    ),
    "generator.gemma": PatternCase(
        "llm_text",
        (
            "We prompted Gemma-7B to generate 5,000 short stories for the reading task.",
            "We used gemma-2 to write paraphrases of each question.",
        ),
        ("We interviewed Gemma, a nurse with 20 years of ward experience.",),
    ),
    "generator.mixtral": PatternCase(
        "llm_text",
        (
            "We prompted Mixtral-8x7B to generate 2,000 dialogues.",
            "We used Mixtral to write distractors for every question.",
        ),
        ("We asked the mixing engineers to write notes for every track.",),
    ),
    "generator.phi": PatternCase(
        "llm_text",
        (
            "We prompted Phi-3-mini to generate 10,000 arithmetic word problems.",
            "We used phi-2 to write explanations for every answer.",
        ),
        ("We measured the phase angle phi at every time step.",),
    ),
    "generator.minimax": PatternCase(
        "llm_text",
        (
            "We used MiniMax-Text-01 to generate test suites for problems that had none.",
            "We prompted minimax-m1 to write solutions to 500 puzzles.",
        ),
        ("We solved the game with the minimax algorithm and alpha-beta pruning.",),
    ),
    "generator.kimi": PatternCase(
        "llm_text",
        (
            "We prompted Kimi k1.5 to generate long chains of thought for 3,000 problems.",
            "We used Kimi to write solutions to the coding problems.",
        ),
        ("We interviewed Kimiko, a nurse, about the ward routines.",),
    ),
    "generator.falcon": PatternCase(
        "llm_text",
        (
            "We prompted Falcon-40B to generate 4,000 product reviews.",
            "We used falcon-7b to write short answers to each question.",
        ),
        ("We counted falcons at three nesting sites in spring.",),
    ),
    "generator.gpt_j": PatternCase(
        "llm_text",
        (
            "We prompted GPT-J to generate 1,000 news headlines.",
            "We used gpt-neox to write continuations of each story.",
        ),
        ("We prompted the annotators to write continuations of each story.",),
    ),
    "generator.bloom": PatternCase(
        "llm_text",
        (
            "We prompted BLOOMZ to generate questions in 12 languages.",
            "We used bloom-176b to write translations of each prompt.",
        ),
        ("We measured algal bloom extent with satellite images.",),
    ),
}
