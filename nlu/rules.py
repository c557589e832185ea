"""Rule analysis of one text on spacy.blank("nl"): cue evidence with negation, and the report entities."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from nlu import lexicon
from nlu.lexicon import CUES, Cue, compile_pattern
from nlu.negation import scope_status
from nlu.result import Entities
from nlu.textnorm import fold


@dataclass(frozen=True, slots=True)
class Evidence:
    """One cue found in the text, with whether it really happened."""

    cue: str
    form: str | None
    primary: str | None
    status: str  # "actual" | "negated" | "hypothetical"
    text: str  # the words of the original text
    start: int
    end: int
    reason: str
    in_quote: bool = False


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the rules saw in one text."""

    text: str
    folded: str
    tokens: tuple[str, ...]  # folded token texts
    marks: tuple[str, ...]  # per token: "" or "neg" (inside a negated or hypothetical act/threat cue)
    evidence: tuple[Evidence, ...]
    entities: Entities

    def actual(self, *cues: str) -> list[Evidence]:
        """Evidence for the given cues (all cues when none given) that really happened."""
        return [e for e in self.evidence if e.status == "actual" and (not cues or e.cue in cues)]

    def denied(self, *cues: str) -> list[Evidence]:
        """Evidence for the given cues that was negated or only hypothetical."""
        return [e for e in self.evidence if e.status != "actual" and (not cues or e.cue in cues)]


_LOCATIONS: tuple[tuple[str, int, str], ...] = (
    ("balie", 3, r"aan de balie|bij de balie|achter de balie|over de balie|aan het loket|bij het loket|"
                 r"aan de receptie|bij de receptie|in de wachtruimte|in de wachtkamer|in de hal|"
                 r"in de spreekkamer|"
                 r"op kantoor|op het kantoor|op de afdeling|bij de ingang|in het gemeentehuis|"
                 r"op het gemeentehuis|"
                 r"in het stadhuis|aan de desk|bij de kassa"),
    ("balie", 2, r"balie|loket|receptie|servicebalie|publieksbalie|wachtruimte|wachtkamer|spreekkamer|"
                 r"gemeentehuis|stadhuis|stadswinkel|servicepunt|bibliotheek|bieb|kantoor|hal|publieksruimte|"
                 r"zwembad|museum"),
    ("telefoon", 3, r"aan de telefoon|door de telefoon|via de telefoon|over de telefoon|telefonisch|"
                    r"telefoongesprek|aan de lijn|per telefoon|tijdens het bellen|videogesprek|videobellen|"
                    r"telefoontje|belgesprek|klantcontactcentrum|callcenter|voicemail"),
    ("telefoon", 1, r"belde|belt|gebeld|opbelde|terugbelde|bellen|beller|hing op|ophing|hoorn|telefoon"),
    ("veldbezoek", 3, r"op huisbezoek|huisbezoek|bij (?:hem|haar|de klant|de client|de bewoner|de burger|"
                      r"mensen|de cliente|de ondernemer) thuis|aan de voordeur|bij de voordeur|aan de deur|"
                      r"tijdens (?:de|een) (?:inspectie|controle)|op locatie|in de buitendienst|"
                      r"keukentafelgesprek|bedrijfsbezoek|bouwplaats|op het terrein|op de boerderij|"
                      r"op het erf|"
                      r"tijdens de ontruiming|veldbezoek|veldwerk|bij het bedrijf|in het pand|op de bouw"),
    ("veldbezoek", 2, r"inspectie|controle|controleerde|controleren|ontruiming|handhaving|handhaver|boa|"
                      r"parkeercontrole|terrein|boerderij|erf|pand|woning|inspecteur|inspectrice|"
                      r"buitendienst"),
    ("online", 3, r"via de mail|per mail|per e-mail|via e-mail|via mail|in een mail|in een e-mail|"
        r"op facebook|"
                  r"via facebook|op twitter|op instagram|op tiktok|via whatsapp|op whatsapp|op social media|"
                  r"op sociale media|via social media|op internet|op linkedin|via linkedin|op een forum|"
                  r"in een appje|in een app|via de app|in de buurtapp|in een facebookgroep|"
                  r"via het webformulier|"
                  r"via de chat|in de chat|op youtube|online"),
    ("online", 2, r"e-mail|email|mail|mailtje|mailde|gemaild|mails|facebook|facebookgroep|twitter|instagram|"
                  r"tiktok|whatsapp|appje|geappt|appte|linkedin|forum|youtube|buurtapp|groepsapp|"
                  r"webformulier|"
                  r"chat|dm|telegram|snapchat|internet|reactie|reacties|tweet|post|berichtje|berichten"),
    ("openbare_ruimte", 3, r"op straat|in de stad|op de markt|in het park|bij de bushalte|op het station|"
                           r"in de supermarkt|op de parkeerplaats|in de parkeergarage|in het winkelcentrum|"
                           r"op het plein|op de stoep|op het fietspad|in de trein|in de bus|op het strand|"
                           r"op het schoolplein|in de speeltuin|in de wijk|op de openbare weg|"
                           r"in het centrum"),
    ("openbare_ruimte", 2, r"straat|markt|park|bushalte|station|supermarkt|parkeerplaats|parkeergarage|"
                           r"winkelcentrum|plein|stoep|fietspad|strand|schoolplein|speeltuin|buiten|wijk|"
                           r"evenement|festival|snelweg|perron"),
)  # fmt: skip

_WITNESS_NOUNS = (
    r"collega|collegas|collega's|beveiliger|beveiligers|beveiliging|leidinggevende|teamleider|manager|"
    r"getuige|getuigen|omstander|omstanders|bezoekers|klanten|mensen|agent|agenten|politie|anderen|iedereen|"
    r"voorbijgangers|buren|partner|stagiair|stagiaire"
)
_WITNESS_POS = (
    r"(?:"
    + _WITNESS_NOUNS
    + r") (?:\w+ ){0,5}(?:zag|zagen|gezien|hoorde|hoorden|gehoord|stond|stonden|was|waren|"
    r"zat|zaten|kwam|kwamen|greep in|grepen in|meegeluisterd|luisterde mee|keek|keken|getuige|erbij|bij)",
    r"in het bijzijn van|waar (?:\w+ ){0,4}bij (?:stond|stonden|was|waren|zat|zaten)|getuige|getuigen|"
    r"(?:zag|zagen|heeft|hebben) (?:\w+ ){0,3}(?:het|alles) (?:gezien|gehoord)|meegeluisterd|stond naast me|"
    r"(?:mijn|een|twee|drie|andere) (?:collega|collegas|collega's) (?:\w+ ){0,3}(?:erbij|ernaast|"
    r"in de buurt)",
)
_WITNESS_NEG = (
    r"(?:er )?(?:waren|was) geen getuigen?|geen getuigen?|niemand (?:\w+ ){0,2}(?:zag|heeft|hoorde|"
    r"gezien|was|erbij)|"
    r"niemand anders|ik was (?:\w+ )?alleen|(?:helemaal |in m'n eentje |in mijn eentje )?alleen (?:op|"
    r"in|aan|thuis)|"
    r"in mijn eentje|in m'n eentje|geen collega'?s? (?:\w+ ){0,3}(?:in de buurt|aanwezig|erbij)|"
    r"geen (?:andere )?(?:mensen|bezoekers|klanten) (?:\w+ ){0,2}(?:in de buurt|aanwezig|erbij)|"
    r"was niemand|niemand in de buurt",
)
_PERPETRATOR = (
    r"(?:de|een|die|deze|onze|mijn) (?:\w+ )?(?:klant|klanten|meneer|mevrouw|man|vrouw|burger|burgers|client|"
    r"clienten|cliente|bezoeker|bezoekers|aanvrager|aanvraagster|bewoner|bewoners|inwoner|inwoners|jongen|"
    r"jongens|jongeman|meisje|meid|dame|heer|eigenaar|eigenaresse|ondernemer|ouder|vader|moeder|buurman|"
    r"buurvrouw|gedetineerde|patient|passagier|automobilist|fietser|student|leerling|huurder|beller|persoon|"
    r"groep|tiener|tieners|bestuurder|chauffeur|ondernemer|uitkeringsgerechtigde|belastingplichtige|"
    r"verdachte|dader|partner|zoon|dochter|vriend|bouwondernemer|boer|aannemer|horecaondernemer|exploitant)",
    r"meneer|mevrouw|dhr\.?(?: \w\.)?|mw\.?(?: \w\.)?|mevr\.?|iemand|burger|klant|client|cliente",
)
_PRONOUNS = re.compile(r"(?<![\w'])(hij|zij|ze)(?![\w'])")
_QUOTE_PAIRS = (
    re.compile(r'"([^"\n]{2,400}?)"'),
    re.compile(r"(?:(?<=^)|(?<=[\s:(\[-]))'(?!s\s|n\s|t\s|k\s)([^'\n]{2,400}?)'(?=[\s.,!?;:)\]-]|$)"),
)
_SPEECH_COLON = re.compile(
    r"(?<![\w'])(?:zei|zegt|zeiden|riep|roept|riepen|schreeuwde|schreeuwt|schreeuwden|brulde|krijste|tierde|"
    r"siste|schreef|appte|mailde|sms'te|dreigde|zei letterlijk|antwoordde|reageerde|snauwde)"
    r"(?:[\s,]+[\w'-]+){0,4}?\s*:\s*([^.!?\n\"']{3,300})"
)
_INJURY_EXCLUDE = re.compile(r"(?:het doet|deed|doet) (?:\w+ )?pijn (?:om|dat)|pijn in (?:mijn|m'n) hart")
_DAMAGE_EXCLUDE = re.compile(
    r"(?:ben|was|is|waren|voel me|voelde me|raakte|ben er|was er) (?:er |helemaal |echt |nog )?kapot|"
    r"(?:je|jou|jullie|mensen|me|mij|u|hem|haar|ons) (?:\w+ )?kapot ?(?:maken|maakt|gemaakt)|"
    r"kapotmaken|kapot van"
)
_SUICIDE_CUES = ("suicide",)
_DOXING_CUES = ("doxing",)


class RuleAnalyzer:
    """Tokenises with spacy.blank("nl") and applies the cue, negation and entity rules; built on first use."""

    def __init__(self) -> None:
        import spacy  # noqa: PLC0415 - keep imports of the package light
        from spacy.matcher import Matcher  # noqa: PLC0415

        self._nlp = spacy.blank("nl")
        self._cue_res: list[tuple[Cue, re.Pattern[str]]] = [
            (cue, compile_pattern("|".join(f"(?:{p})" for p in cue.patterns))) for cue in CUES
        ]
        self._injury = compile_pattern(lexicon.INJURY_PATTERNS)
        self._damage = compile_pattern(lexicon.DAMAGE_PATTERNS)
        self._locations = [(kind, weight, compile_pattern(p)) for kind, weight, p in _LOCATIONS]
        self._witness_pos = [compile_pattern(p) for p in _WITNESS_POS]
        self._witness_neg = [compile_pattern(p) for p in _WITNESS_NEG]
        self._perpetrator = [compile_pattern(p) for p in _PERPETRATOR]
        # token-level pattern for "met een mes/schaar/..." so the weapon noun is the one that was used
        self._matcher = Matcher(self._nlp.vocab)
        weapons = [w for w in lexicon.WEAPONS.split("|") if " " not in w]
        self._matcher.add("WEAPON", [[{"LOWER": {"IN": weapons}}]])
        # A token is part of the folded text (lower case already), so a text without any of these words
        # anywhere has no weapon token: most messages skip the matcher.
        self._weapon_hint = re.compile("|".join(sorted(map(re.escape, weapons), key=len, reverse=True)))

    def analyze(self, text: str) -> Analysis:
        """Cues with their negation status and the entities (without the time) of one text."""
        folded = fold(text)
        doc = self._nlp.make_doc(folded)
        tokens = tuple(t.text for t in doc)
        starts = [t.idx for t in doc]
        quotes, quote_spans = self._quotes(text, folded)
        evidence: list[Evidence] = []
        marks = [""] * len(tokens)
        for cue, rx in self._cue_res:
            for m in rx.finditer(folded):
                first, head = _token_range(starts, tokens, m.start(), m.end())
                if first is None or head is None:
                    continue
                if cue.name == "throw" and _verbal_missile(folded, m.start(), m.end()):
                    continue  # "verwensingen naar hun hoofd geslingerd": words thrown, not objects
                in_quote = any(qs <= m.start() < qe for qs, qe in quote_spans)
                status, _ = scope_status(
                    tokens, first, head, act=cue.act, skip_inside=cue.skip_inside or cue.name == "block"
                )
                if cue.act and in_quote and status == "actual":
                    status = "hypothetical"  # words spoken, not a deed: a threat
                    evidence.append(
                        Evidence("threat", "bedreigen", "bedreiging", "actual", text[m.start() : m.end()],
                                 m.start(), m.end(), "er werd gedreigd", True)
                    )  # fmt: skip
                if status != "actual" and (cue.act or cue.name in ("threat", "death_threat", "insult")):
                    for i in range(first, head + 1):
                        marks[i] = "neg"
                evidence.append(
                    Evidence(cue.name, cue.form, cue.primary, status, text[m.start() : m.end()], m.start(),
                             m.end(), cue.reason, in_quote)
                )  # fmt: skip
        evidence.sort(key=lambda e: e.start)
        evidence = _drop_consequence_threats(evidence, folded)
        entities = self._entities(text, folded, tokens, starts, evidence, quotes, doc)
        return Analysis(text, folded, tokens, tuple(marks), tuple(evidence), entities)

    # ------------------------------------------------------------------ entities

    def _entities(
        self,
        text: str,
        folded: str,
        tokens: tuple[str, ...],
        starts: list[int],
        evidence: list[Evidence],
        quotes: tuple[str, ...],
        doc: Any,
    ) -> Entities:
        location_type, location_text = self._location(text, folded)
        injury, injury_text = self._flagged(self._injury, _INJURY_EXCLUDE, text, folded, tokens, starts)
        damage, damage_text = self._flagged(self._damage, _DAMAGE_EXCLUDE, text, folded, tokens, starts)
        if damage is None and any(e.cue == "vandalism" and e.status == "actual" for e in evidence):
            first = next(e for e in evidence if e.cue == "vandalism" and e.status == "actual")
            damage, damage_text = True, first.text
        witnesses, witnesses_text = self._witnesses(text, folded)
        return Entities(
            location_type=location_type,
            location_text=location_text,
            injury=injury,
            injury_text=injury_text,
            damage=damage,
            damage_text=damage_text,
            weapon=self._weapon(doc, tokens) if self._weapon_hint.search(folded) else None,
            witnesses=witnesses,
            witnesses_text=witnesses_text,
            quotes=quotes,
            perpetrator=self._perpetrators(text, folded),
            suicide_threat=any(e.cue in _SUICIDE_CUES and e.status == "actual" for e in evidence),
            doxing=any(e.cue in _DOXING_CUES and e.status == "actual" for e in evidence),
        )

    def _location(self, text: str, folded: str) -> tuple[str | None, str | None]:
        scores: dict[str, int] = {}
        best_text: dict[str, tuple[int, int, str]] = {}  # kind -> (weight, -start, text)
        for kind, weight, rx in self._locations:
            for m in rx.finditer(folded):
                scores[kind] = scores.get(kind, 0) + weight
                cand = (weight, -m.start(), text[m.start() : m.end()])
                if kind not in best_text or cand > best_text[kind]:
                    best_text[kind] = cand
        if not scores:
            return None, None
        kind = max(scores, key=lambda k: (scores[k], best_text[k][0], best_text[k][1]))
        return kind, best_text[kind][2]

    def _flagged(
        self,
        rx: re.Pattern[str],
        exclude: re.Pattern[str],
        text: str,
        folded: str,
        tokens: tuple[str, ...],
        starts: list[int],
    ) -> tuple[bool | None, str | None]:
        excluded = [(m.start(), m.end()) for m in exclude.finditer(folded)]
        negated_text: str | None = None
        for m in rx.finditer(folded):
            if any(s <= m.start() < e for s, e in excluded):
                continue
            first, head = _token_range(starts, tokens, m.start(), m.end())
            if first is None or head is None:
                continue
            status, neg_at = scope_status(tokens, first, head, act=True)
            if status == "actual":
                return True, text[m.start() : m.end()]
            if status == "negated" and negated_text is None:
                s = min(starts[neg_at] if neg_at is not None else m.start(), m.start())
                negated_text = text[s : max(m.end(), starts[neg_at] + len(tokens[neg_at]) if neg_at else 0)]
        if negated_text is not None:
            return False, negated_text
        return None, None

    def _witnesses(self, text: str, folded: str) -> tuple[bool | None, str | None]:
        for rx in self._witness_neg:
            m = rx.search(folded)
            if m:
                return False, text[m.start() : m.end()]
        for rx in self._witness_pos:
            m = rx.search(folded)
            if m and not _negated_near(folded, m.start()):
                return True, text[m.start() : m.end()]
        return None, None

    def _weapon(self, doc: Any, tokens: tuple[str, ...]) -> str | None:
        for _, start, _end in self._matcher(doc):
            status, _ = scope_status(tokens, start, start, act=True)
            if status == "actual":
                return str(tokens[start])
        return None

    def _perpetrators(self, text: str, folded: str) -> tuple[str, ...]:
        found: list[tuple[int, str]] = []
        taken: list[tuple[int, int]] = []
        for rx in self._perpetrator:
            for m in rx.finditer(folded):
                if any(s < m.end() and m.start() < e for s, e in taken):
                    continue
                taken.append((m.start(), m.end()))
                found.append((m.start(), text[m.start() : m.end()]))
        if not found:
            found = [(m.start(), text[m.start() : m.end()]) for m in _PRONOUNS.finditer(folded)][:1]
        seen: set[str] = set()
        out: list[str] = []
        for _, surface in sorted(found):
            key = surface.lower()
            if key not in seen:
                seen.add(key)
                out.append(surface)
        return tuple(out[:5])

    def _quotes(self, text: str, folded: str) -> tuple[tuple[str, ...], list[tuple[int, int]]]:
        found: list[tuple[int, int, str]] = []
        for rx in _QUOTE_PAIRS:
            for m in rx.finditer(folded):
                inner = text[m.start(1) : m.end(1)].strip()
                if inner and not any(s <= m.start() < e for s, e, _ in found):
                    found.append((m.start(), m.end(), inner))
        for m in _SPEECH_COLON.finditer(folded):
            if not any(s <= m.start(1) < e for s, e, _ in found):
                found.append((m.start(1), m.end(1), text[m.start(1) : m.end(1)].strip()))
        found.sort()
        return tuple(q for _, _, q in found), [(s, e) for s, e, _ in found]


# what is "thrown" in a figure of speech: words, not objects
_VERBAL_MISSILE = re.compile(
    r"\b(?:verwensing\w*|scheldwoord\w*|scheldkanonnade\w*|scheldpartij\w*|belediging\w*|ziekte\w*|"
    r"vloek\w*|verwijt\w*|woorden|opmerking\w*|kreten|leuzen|termen|bagger|modder|haat)\b"
)


def _verbal_missile(folded: str, start: int, end: int) -> bool:
    """Whether the thing a throw verb throws, in the same sentence before or inside the match, is words."""
    sentence_start = max(folded.rfind(mark, 0, start) for mark in ".!?;") + 1
    return _VERBAL_MISSILE.search(folded, max(sentence_start, start - 60), end) is not None


_BARE_THREAT = re.compile(r"(?:ge)?(?:be)?dreig(?:de|den|t|en|d|end|ende|ement|ementen)?$")
_OTHER_ACTION = ("suicide", "consequences", "blackmail")


def _drop_consequence_threats(evidence: list[Evidence], folded: str) -> list[Evidence]:
    """A bare 'dreigde' whose object is a complaint, the media or suicide is no threat of harm by itself.

    "Hij dreigde met een klacht" is dreigen met nadelige gevolgen; "dreigde met zelfmoord" a suicide threat.
    The dreig-word stays a threat when the same sentence has no such object.
    """
    out = []
    for ev in evidence:
        if ev.cue == "threat" and ev.status == "actual" and _BARE_THREAT.match(ev.text.lower().strip()):
            sentence_end = len(folded)
            for mark in ".!?;":
                pos = folded.find(mark, ev.end)
                if pos != -1:
                    sentence_end = min(sentence_end, pos)
            # "bedreigde de burgemeester": be-dreigen takes the victim; only "met <consequence>" makes it
            # a threat of a complaint ("bedreigde hem met een klacht"), while "dreigde" takes the consequence
            victim_verb = ev.text.lower().strip().startswith("bedreig")
            if any(
                other.cue in _OTHER_ACTION
                and ev.end <= other.start < min(sentence_end, ev.end + 60)
                and (not victim_verb or " met " in f" {folded[ev.end : other.start]} ")
                for other in evidence
            ):
                continue
        if ev.cue == "blackmail" and ev.status == "actual" and _BARE_ELSE.match(ev.text.lower().strip()):
            # "anders ga ik naar de pers": an "anders" whose consequence is a complaint, the media or a lawyer
            sentence_end = len(folded)
            for mark in ".!?;":
                pos = folded.find(mark, ev.end)
                if pos != -1:
                    sentence_end = min(sentence_end, pos)
            if any(
                other.cue == "consequences" and ev.end <= other.start < min(sentence_end, ev.end + 60)
                for other in evidence
            ) and not _REVEAL.search(folded[ev.end : sentence_end]):
                continue
        out.append(ev)
    return out


# the generic "anders/tenzij ..." blackmail shape, and the words that make it a threat to expose someone
_BARE_ELSE = re.compile(r"^(?:anders|tenzij)\b")
_REVEAL = re.compile(
    r"\b(?:foto\w*|filmpje\w*|video\w*|opname\w*|screenshot\w*|vertel\w*|baas|werkgever|leidinggevende|"
    r"partner|man|vrouw|kinderen|adres|online|internet|facebook|viral)\b"
)


def _token_range(
    starts: list[int], tokens: tuple[str, ...], start: int, end: int
) -> tuple[int | None, int | None]:
    first = last = None
    for i, s in enumerate(starts):
        e = s + len(tokens[i])
        if e > start and s < end:
            if first is None:
                first = i
            last = i
    return first, last


# An answer to 'Waren er getuigen?' that only names people: 'mijn collega Sanne', 'de beveiliger', 'Ahmed en Els'.
_PERSON_WORD = re.compile(r"(?<![\w'])(?:" + _WITNESS_NOUNS + r"|beveiligingsmedewerker|baliemedewerker|"
                          r"receptionist|receptioniste|concierge|buurman|buurvrouw|voorbijganger|"
                          r"chauffeur|begeleider|toezichthouder|handhaver|boa|inspecteur)(?![\w'])")
_NOBODY = re.compile(r"(?<![\w'])(?:niemand|geen|nee|niet|nooit|alleen|weet)(?![\w'])")
_NOT_A_NAME = frozenset((
    "ik", "ja", "nee", "niemand", "geen", "weet", "dat", "het", "de", "een", "er", "hij", "zij", "ze", "wij", "we",
    "mijn", "misschien", "die", "dit", "alleen", "niet", "wel", "nog", "ook", "toen", "daar", "hier", "volgens",
    "waarschijnlijk", "denk", "klopt", "oke", "ok", "goed",
))
_CAPITALISED = re.compile(r"(?<![\w'])[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý]?[a-zà-ÿ]+)?")


def names_someone(text: str) -> bool:
    """A short answer that names who saw it (a colleague, a role, a first name), without saying nobody did."""
    folded = fold(text)
    if len(folded.split()) > 8 or _NOBODY.search(folded):
        return False
    if _PERSON_WORD.search(folded):
        return True
    return any(fold(m.group(0)) not in _NOT_A_NAME for m in _CAPITALISED.finditer(text))


def _negated_near(folded: str, start: int) -> bool:
    before = folded[max(0, start - 12) : start]
    return bool(re.search(r"\b(?:geen|niet|niemand)\s+$", before))
