"""Dutch cue patterns for incident rules: what signals each form of aggression, as regexes on folded text.

Patterns are written on lower-case, accent-free text. In a pattern a space means one or more
spaces (or a comma) and ` _ ` means a gap of up to three words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OBJ = r"(?:me|mij|mn|m'n|mijn|hem|haar|ons|onze|collega|collegas|collega's|medewerker|medewerkster)"
_HIT_VERBS = (
    r"sloeg|sloegen|slaat|schopte|schopten|schopt|trapte|trapten|trapt|duwde|duwden|duwt|stompte|stompten|"
    r"stompt|beet|knijpte|kneep|krabde|krabte|wurgde|kopte|porde|mepte|ramde|beukte|raakte|greep|grepen|"
    r"sleurde|rukte|trok|tikte|grijpt|pakte|pakten|knijpt|wurgt|bijt|spuugt|spuwt|spuugde|spuwde|spoog|"
    r"spuugden|spuwden|verwondde|verwondden|schepte|schepten"
)
_HIT_PARTICIPLES = (
    r"geslagen|geschopt|getrapt|geduwd|gestompt|gebeten|geknepen|gekrabd|gewurgd|gekopt|gemept|geramd|"
    r"bespuugd|bespuwd|gespuugd|gespuwd|vastgepakt|vastgegrepen|gegrepen|aangevallen|mishandeld|neergeslagen|"
    r"omvergeduwd|omvergelopen|weggeduwd|opzij geduwd|geraakt|gebeukt|onderuit geschopt|aangereden|getackeld|"
    r"afgetuigd|in elkaar geslagen|in elkaar getrapt|in elkaar getimmerd|toegetakeld|gemolesteerd|"
    r"vastgegrepen|gewurgd|gekeeld|bespuugde|bespuwde|bespuugden|bespuwden|bespuugt|bespuwt|klemgereden|"
    r"klem gereden|overreden|geschept|gegijzeld|gemept"
)
_HIT_NOUNS = (
    r"klap|klappen|mep|vuistslag|kopstoot|schop|trap|duw|duwtje|schouderduw|stomp|knietje|elleboogstoot|"
    r"dreun|oplawaai|oorvijg|knal|tik|vuist|kaakslag|beuk|por|klets|lap|mep|pets|slag|vuistslagen|klappen"
)
_THROW_VERBS = (
    r"gooide|gooiden|gooit|gooien|smeet|smeten|smijt|smijten|wierp|wierpen|werpen|slingerde|keilde|gegooid|"
    r"gesmeten|geworpen|geslingerd|bekogeld|bekogelde|bekogelden|bekogelen|bekogelt|afgevuurd|afgeschoten"
)
# finite verbs of a blow that take the victim as object
_HIT_FINITE = (
    r"sloeg|sloegen|schopte|schopten|trapte|trapten|stompte|stompten|duwde|duwden|mepte|mepten|beet|beten|"
    r"krabde|wurgde|spuugde|spuwde|spuugden|spuwden|bespuugde|bespuwde|verwondde|verwondden|mishandelde|"
    r"mishandelden|schepte|schepten|neersloeg|aanreed|aanviel|aanvielen|duwt|slaat|schopt|trapt"
)
# the body parts and grips that make an act physical whoever does it to whom
BODY = (
    r"keel|nek|hals|gezicht|aangezicht|hoofd|achterhoofd|voorhoofd|kop|gelaat|borst|buik|kaak|arm|armen|pols|"
    r"been|benen|rug|schouder|schouders|neus|oog|ogen|oogkas|lip|rib|ribben|hand|scheen|kruis|wang|haar|"
    r"haren|oor|oren|kraag|mond|tanden|lijf|lichaam"
)
# people with a public task, as the object of a blow whatever words stand between ("schopte hij een van
# de handhavers", "sloeg daarop de bewaker")
ROLE = (
    r"boa|boas|boa's|handhaver|handhavers|medewerker|medewerkers|medewerkster|medewerksters|ambtenaar|"
    r"ambtenaren|chauffeur|chauffeurs|buschauffeur|conducteur|conducteurs|conductrice|hoofdconducteur|agent|"
    r"agente|agenten|hoofdagent|politieagent|politieagenten|inspecteur|inspecteurs|politie-inspecteur|"
    r"verpleegkundige|arts|assistente|hulpverlener|hulpverleners|ambulancemedewerker|ambulancemedewerkers|"
    r"ambulancier|ambulanciers|ambulancebroeder|ambulancebroeders|brandweerman|brandweerlieden|"
    r"parkeerwachter|parkeerwachters|parkeercontroleur|deurwaarder|consulent|collega|collegas|collega's|"
    r"baliemedewerker|baliemedewerkster|boswachter|boswachters|verkeersregelaar|verkeersregelaars|beveiliger|"
    r"bewaker|bewakers|cipier|cipiers|gevangenbewaarder|badmeester|badmeesters|stadswacht|stadswachten|"
    r"gemeenschapswacht|gemeenschapswachten|controleur|controleurs|machinist|examinator|wijkagent|"
    r"jeugdbeschermer|maatschappelijk werker|begeleider|keuringsarts|vuilnisman|afvalophaler|straatveger|"
    r"straatveegster|wethouder|burgemeester|raadslid"
)
# past-tense finite forms: a deed told as done ("gooide"), which a modal in an earlier clause cannot undo
FINITE_PAST = frozenset({
    "sloeg", "sloegen", "schopte", "schopten", "trapte", "trapten", "duwde", "duwden", "stompte", "stompten",
    "beet", "beten", "kneep", "knepen", "krabde", "krabte", "wurgde", "kopte", "porde", "mepte", "ramde",
    "beukte", "raakte", "greep", "grepen", "sleurde", "rukte", "trok", "tikte", "pakte", "pakten", "spuugde",
    "spuwde", "spoog", "gooide", "gooiden", "smeet", "smeten", "wierp", "wierpen", "slingerde", "keilde",
    "bekogelde", "bekogelden", "reed", "reden", "hield", "hielden", "sprong", "vloog", "viel", "vielen", "stak",
    "staken", "schoot", "schoten", "sneed", "kwam", "kwamen", "liep", "liepen",
})  # fmt: skip
WEAPONS = (
    r"mes|messen|zakmes|keukenmes|stanleymes|broodmes|schaar|stok|wandelstok|knuppel|honkbalknuppel|wapen|"
    r"wapens|vuurwapen|vuurwapens|steekwapen|pistool|pistolen|revolver|geweer|geweren|hamer|schroevendraaier|boksbeugel|bijl|machete|"
    r"pepperspray|traangas|vuurwerk|taser|stroomstootwapen|zwaard|kapmes|ijzeren staaf|breekijzer|koevoet"
)


@dataclass(frozen=True, slots=True)
class Cue:
    """A family of patterns that signals one kind of behaviour."""

    name: str
    form: str | None  # fine form from FINE_FORMS this evidences, if any
    primary: str | None  # top-level form from PRIMARY_FORMS this evidences, if any
    act: bool  # a physical act: hypotheticals ("bijna", "zou") cancel it, as negations do
    reason: str  # Dutch, for the explanation: "er werd gedreigd"
    patterns: tuple[str, ...]
    # the patterns hold their own negation ("komt niet veilig thuis"): a negator inside the match denies nothing
    skip_inside: bool = False


CUES: tuple[Cue, ...] = (
    Cue(
        "death_threat",
        "doodsbedreiging",
        "bedreiging",
        False,
        "er werd met de dood gedreigd",
        (
            r"(?:maak|maken|mak) (?:je|jou|jullie|u|hem|haar|jullie allemaal) (?:\w+ ){0,2}af",
            r"(?:ga|gaan|zal|zullen|kom) (?:je|jou|jullie|u|hem|haar) _ (?:afmaken|vermoorden|doodmaken|"
            r"doden|"
            r"neerschieten|neersteken|doodschieten|opknopen|ophangen)",
            r"vermoord|vermoorden|vermoordt|doodmaken|doodschieten|neerknallen|neerschieten|afknallen|kogel|"
            r"kogels|keel doorsnijden|keel doorsnijdt|de keel door|doodsbedreiging|doodsbedreigingen|"
            r"doodsbedreigd|met de dood|een kogel door|mes tussen (?:je|"
            r"jouw) ribben",
            r"je bent (?:er )?geweest|je gaat eraan|je bent dood|jij bent dood|ben je dood|je gaat dood|"
            r"(?:je|jij|jullie|u) (?:\w+ ){0,3}dood|dood (?:maken|schieten|steken)|kapotschieten|opblazen",
        ),
    ),
    Cue(
        "suicide",
        "dreigen_zelfdoding",
        "bedreiging",
        False,
        "er werd gedreigd met zelfdoding",
        (
            r"zelfmoord|suicide|zelfdoding|suicidaal|einde? aan (?:mijn|m'n|mn|zijn|haar|het) leven|"
            r"maak (?:ik )?er (?:een )?(?:eind|einde) aan|er (?:een )?(?:eind|einde) aan (?:maken|maak)|"
            r"(?:breng|bring|brengt) (?:ik )?(?:mezelf|mijzelf|zichzelf) om|mezelf (?:iets|wat) aan(?:doen)?|"
            r"(?:spring|springt|springen) (?:ik |hij |ze )?(?:voor de trein|van (?:het|de) (?:dak|brug|"
            r"flat))|"
            r"voor de trein|hang (?:ik )?me op|"
            r"(?:op )?(?:jouw|uw|jullie) geweten|mijn dood (?:is|op)|dan ben ik er niet meer",
            r"(?:zich|zichzelf) (?:iets|wat) (?:zou )?aan(?:doen| zou doen| te doen)?|"
            r"net zo goed dood|"
            r"van (?:het|de|een) (?:dak|brug|flat|balkon) (?:\w+ )?(?:spring|springt|springen|af)|"
            r"afscheidsbrief|mijn doodvonnis|(?:ik )?neem afscheid",
        ),
    ),
    Cue(
        "doxing",
        "online_doxing",
        "bedreiging",
        False,
        "er werden persoonlijke gegevens online gezet",
        (
            r"doxing|gedoxt|gedoxed|doxen",
            r"(?:adres|adressen|woonadres|adresgegevens|privegegevens|gegevens|persoonsgegevens|"
            r"telefoonnummer|kenteken|huisadres|foto's van (?:mijn|zijn|haar) huis|fotos van (?:mijn|zijn|haar) huis) "
            r"(?:\w+ ){0,8}(?:online|internet|"
            r"facebook|"
            r"twitter|instagram|tiktok|forum|buurtapp|groepsapp|facebookgroep|sociale media|social media|"
            r"geplaatst|gepost|gedeeld|verspreid|rondgestuurd|openbaar gemaakt|online gezet|gezet)",
            r"(?:online|op internet|op facebook|op social media|op sociale media) (?:\w+ ){0,6}(?:mijn|"
            r"haar|zijn)"
            r" (?:naam|adres|woonadres|foto|gegevens|telefoonnummer|kenteken)",
            r"(?:naam en toenaam|met (?:zijn|haar|mijn) naam) (?:\w+ ){0,6}(?:verspreid|rondgestuurd|gedeeld|"
            r"online|gepost)|(?:verspreid|rondgestuurd|gedeeld|gepost) (?:\w+ ){0,8}(?:naam en toenaam)",
            r"(?:plaatste|zette|deelde|verspreidde|postte) (?:\w+ ){0,4}(?:mijn|haar|zijn|de) (?:"
            r"adres|woonadres|adresgegevens|"
            r"foto|gegevens|telefoonnummer|kenteken|woonplaats)",
        ),
    ),
    Cue(
        "stalking",
        "stalking",
        "bedreiging",
        False,
        "je werd gevolgd of opgewacht (stalking)",
        (
            r"achtervolgde|achtervolgd|achtervolgen|stalkt|stalker|stalking|gestalkt|stalken",
            r"(?:volgde|volgt|volgden) (?:me|mij|mijn|haar|hem|ons)|(?:ben|is|werd|"
            r"word) (?:\w+ ){0,3}gevolgd",
            r"(?:stond|stonden|staat|sta|staan|wachtte|wacht) (?:\w+ ){0,4}(?:bij|voor|op) (?:mijn|m'n|mn|haar|zijn|"
            r"jullie|je|jouw|uw) (?:huis|deur|woning|auto|fiets|school|werk|kantoor|raam)|"
            r"(?:ik )?zie (?:jouw|je|uw) (?:raam|huis|auto|kinderen)",
            r"(?:opgewacht|opwachtte|opwachten|stond (?:me|mij|haar|hem) op te wachten)",
            r"(?:blijft|bleef|blijven) (?:me|mij|haar|hem)? ?(?:maar )?(?:bellen|mailen|appen|"
            r"berichten sturen)|"
            r"(?:elke dag|dagelijks|tientallen keren|steeds weer) (?:\w+ ){0,3}(?:gebeld|gemaild|geappt|"
            r"bellen)",
            r"(?:kwam|komt|stond) (?:\w+ ){0,3}(?:bij (?:mij|me|haar|hem) thuis|naar (?:mijn|haar|"
            r"zijn) huis)",
        ),
    ),
    Cue(
        "threat",
        "bedreigen",
        "bedreiging",
        False,
        "er werd gedreigd",
        (
            r"dreigde|dreigden|dreigt|dreigen|bedreigen|afgedreigd|bedreigde|bedreigden|bedreigd|bedreigt|bedreiging|"
            r"bedreigingen|"
            r"dreigend|"
            r"dreigende|dreigement|dreigementen|bedreigend|gedreigd|dreigbrie\w*|dreigmail\w*|"
            r"dreigbericht\w*|dreigtelefoon\w*|dreigtweet\w*",
            r"(?:ik )?weet waar (?:je|jij|u|jullie|ze|hij) (?:\w+ )?(?:woont|wonen|woon|werkt|slaapt)|"
            r"hoor(?:t)? (?:nog )?(?:van (?:mij|me|ons))|je hoort nog van|pas (?:maar )?op|"
            r"kijk (?:maar )?uit|"
            r"ik krijg je|ik pak je|ik kom je halen|ik wacht je op|(?:ik )?zie je (?:buiten|straks|nog)|"
            r"we zien (?:elkaar|je) nog|ik (?:zal|ga) je vinden|(?:ik weet|weet ik) (?:je|jou|u|jullie) (?:wel |"
            r"nog )?te vinden|het zal je berouwen|"
            r"dat ga je bezuren|ik ken mensen|ik weet wie je bent|je weet niet wat je overkomt|wacht maar af|"
            r"ik weet waar je kinderen|je kinderen|ik kom langs|ik kom terug|ik kom je opzoeken|"
            r"(?:ik )?(?:ga|zal|kom) (?:je|jou|u|jullie) (?:\w+ ){0,2}(?:slaan|pakken|halen|grijpen|steken|"
            r"kapotmaken|in elkaar slaan|te lijf|verrot slaan|wat aandoen|iets aandoen|pijn doen)|"
            r"ik sla (?:je|jou|u|jullie)|ik steek (?:je|jou|u)|ik trap (?:je|jou)|in elkaar (?:slaan|"
            r"trappen|rammen)|"
            r"(?:je|jij) (?:gaat|zult|zal) (?:het )?(?:merken|boeten|voelen|zien)|"
            r"persoonlijk (?:te )?regelen|langs (?:te )?komen om|eens langs|"
            r"ik zorg dat je (?:het )?(?:niet|nooit)",
            # veiled threats: a consequence for the person announced or left unspoken
            r"(?:er )?(?:gebeurt|gebeuren|zal|zullen|gaat|kan) (?:er )?(?:\w+ ){0,2}(?:iets|wat|ongelukken|"
            r"ongelukjes|dingen) (?:\w+ ){0,2}(?:gebeuren|met (?:je|jou|u|jullie|je kinderen|je gezin|je auto|"
            r"je huis))|dan gebeurt er (?:iets|wat)|"
            r"(?:iets|wat|van alles|ongelukken) (?:\w+ )?met (?:je|jou|u|jullie|me|mij|hem|haar|je kinderen|je gezin) "
            r"(?:\w+ ){0,2}(?:gebeuren|gebeurt|gebeurde|overkomen|overkomt)|(?:er )?(?:vallen|"
            r"komen) (?:er )?(?:klappen|doden|gewonden)|"
            r"je weet niet wat (?:je|er) (?:\w+ ){0,2}(?:te wachten staat|gebeurt|overkomt)|let (?:maar|jij maar|"
            r"u maar)? ?op|dat zal je (?:nog )?(?:berouwen|bezuren)|je zult (?:ervan|er van) lusten|"
            r"(?:moet|moeten) (?:\w+ ){0,2}oppassen|ik krijg (?:jou|je|jullie|u) (?:nog )?(?:wel)?|"
            r"(?:we|wij|ik) (?:gaan|ga|zullen|zal) (?:je|jou|u|jullie) onthouden|"
            r"(?:ik )?kom (?:wel )?(?:effe |even |eens )?langs om|zorg (?:maar )?dat je weg (?:komt|bent)|"
            r"(?:ik )?(?:gooi|sla|steek|schiet|trap|pak|grijp|wurg) (?:je|jou|u|jullie|hem|haar) (?:\w+ ){0,3}"
            r"(?:uit het raam|neer|dood|kapot|in elkaar|de keel|een kogel|van de trap|overhoop)|"
            r"(?:gooi|sla|steek|schiet|trap|maak|pak) ik (?:je|jou|u|jullie|hem|haar) (?:\w+ ){0,3}(?:neer|dood|af|"
            r"kapot|in elkaar|overhoop|uit het raam)|"
            r"(?:jaag|schiet) (?:ik )?(?:\w+ ){0,2}een kogel|(?:in de fik|in brand) (?:\w+ ){0,2}(?:steken|zetten)|"
            r"(?:ga|gaan|zal|kom) (?:\w+ ){0,3}(?:opblazen|in de fik steken|platbranden)|"
            r"(?:haal|pak|hale) (?:ik )?(?:\w+ ){0,3}(?:kettingzaag|mes|wapen|pistool|geweer|bijl|knuppel|"
            r"honkbalknuppel)|(?:je|jouw|uw) tijd is (?:bijna )?om|ik (?:weet|vind) (?:je|jou|u) (?:wel|nog)|"
            r"(?:hond|honden) (?:\w+ ){0,3}(?:op (?:me|mij|je|jou|u|hem|haar) af|loslaten)|"
            r"ik zie (?:je|jou|u) (?:nog wel|buiten|straks)|wacht (?:jij )?maar (?:af|tot)|"
            r"(?:je|jou|u|jullie|hem|haar) (?:\w+ ){0,2}(?:iets|wat) (?:zou |zal |gaat )?aan(?:doen|te doen|doet)",
        ),
    ),
    Cue(
        "threat",
        "bedreigen",
        "bedreiging",
        False,
        "er werd gedreigd",
        (
            r"je kent me (?:nog )?niet|je bent (?:nog )?niet van me af|(?:komt|kom) niet veilig thuis|"
            r"(?:kan|kun|kunnen) (?:\w+ ){0,2}niet (?:in)?staan voor (?:mijn|m'n|mn|zijn|haar|onze) "
            r"(?:vrienden|jongens|familie|broers|neven|maten)",
        ),
        skip_inside=True,
    ),
    Cue(
        "suicide",
        "dreigen_zelfdoding",
        "bedreiging",
        False,
        "er werd gedreigd met zelfdoding",
        (
            r"wil niet meer leven|niet meer (?:verder )?leven|(?:niet meer verder wil|wil (?:\w+ )?niet meer "
            r"verder)(?! met)",
        ),
        skip_inside=True,
    ),
    Cue(
        "intimidation",
        "intimidatie",
        "bedreiging",
        False,
        "er werd geïntimideerd",
        (
            r"intimiderend\w*|intimideer\w*|intimideren|intimidatie|geintimideerd|imponeren",
            r"(?:klom|sprong|klommen|sprongen) (?:\w+ ){0,2}over (?:de |het )?(?:balie|tafel|toonbank|bureau|"
            r"loket)",
            r"(?:kwam|ging|stond|bleef) (?:\w+ ){0,3}(?:vlak|dicht|heel dicht|pal|neus aan neus|centimeters) "
            r"(?:\w+ ){0,2}(?:voor|bij|achter|naast|boven|over) (?:me|mij|mijn|haar|hem)",
            r"boog (?:zich )?(?:\w+ ){0,2}over (?:de balie|het bureau|de tafel|mij|me)|"
            r"(?:sloeg|sloegen|bonkte|bonkten|beukte|beukten|ramde|ramden|bonsde|bonsden|timmerde|timmerden|"
            r"sloeg hard) (?:\w+ ){0,4}(?:op|tegen) (?:de |"
            r"het )?(?:tafel|balie|"
            r"bureau|toonbank|loket|raam|ruit|ramen|deur|deuren|schuifdeur|schuifdeuren|glas|muur|muren|kast|"
            r"auto|wagen|bus)|(?:schopte|schopten|trapte|trapten) (?:\w+ ){0,3}tegen (?:de |het |een )?(?:muur|"
            r"muren|kast|deur|deuren|auto|wagen|bus|ruit|hek)|"
            r"achterna (?:\w+ ){0,2}(?:gezeten|gezet|zat|zaten|zitten|rende|renden|gerend)|"
            r"(?:zat|zaten) (?:\w+ ){0,4}achterna|"
            r"vuisten? (?:\w+ )?gebald|balde (?:zijn|haar|de) vuist|"
            r"(?:sloeg|smeet|gooide|trapte) (?:de )?deur (?:hard )?dicht|bleef (?:me |mij )?(?:aan)?staren|"
            r"kwam (?:\w+ ){0,2}op (?:me|mij|ons) af|dreigend (?:op|naar)|achter (?:me|mij) aan|"
            # on the road: braking in front of a vehicle, weaving before it, cutting it off
            r"(?:trapte|trapten|trappen) (?:\w+ ){0,2}op de rem|remde (?:\w+ ){0,2}(?:vol|abrupt|ineens)|"
            r"slingerend (?:\w+ ){0,3}(?:voor|achter)|bumperkle\w*|(?:sneed|sneden) (?:\w+ ){0,3}(?:af|de pas af)",
        ),
    ),
    Cue(
        "blackmail",
        "chantage",
        "bedreiging",
        False,
        "er werd gechanteerd",
        (
            r"chantage|chanteren|chanteerde|chanteert|gechanteerd|afpersing|afpersen|afgeperst",
            r"tenzij|anders (?:zet|zal|ga|kom|maak|vertel|stuur|laat|zorg) (?:ik|hij|ze|zij)|"
            r"(?:zou|zal|is) (?:\w+ ){0,2}(?:jammer|zonde) (?:\w+ )?(?:zijn|wezen)? ?als|"
            r"(?:aan|naar) (?:jouw|je|uw|mijn|haar|zijn) (?:leidinggevende|baas|werkgever|man|vrouw|partner) "
            r"(?:\w+ ){0,3}(?:vertelt|vertellen|stuurt|sturen|laat weten)",
            r"(?:viral|online|openbaar) (?:\w+ ){0,4}(?:als|tenzij)",
            # a threat to reveal or report something, tied to a condition in the same sentence
            r"(?:vertel\w*|rondvertel\w*|doorstu\w*|stuur|stuurt|sturen|verspreid\w*|openbaar|publiceer\w*|"
            r"(?:gaat|ga|gaan) (?:\w+ ){0,2}melden|ontmasker\w*|"
            r"online zet\w*|laat weten|laten weten|zeg ik|meld ik|deel ik|laat ik zien|post ik|zet ik)"
            r"[^.!?]{0,80}?(?<!\w)(?:als|tenzij)(?!\w)",
            r"(?<!\w)(?:als|tenzij)(?!\w)[^.!?]{0,80}?(?:vertel\w*|rondvertel\w*|doorstu\w*|stuur ik|"
            r"verspreid\w*|openbaar|publiceer\w*|online zet\w*|laat ik weten|zeg ik|meld ik|deel ik|"
            r"laat ik zien|post ik|zet ik)",
            r"(?:foto|fotos|foto's|filmpje|filmpjes|video|opname|opnames|screenshot|screenshots|dossier|"
            r"informatie|"
            r"kopieen|bewijs|opgenomen|gefilmd|weet over|weet wat|genoeg over|iets weet) (?:[\w']+ ){0,14}?"
            r"(?:doorsturen|doorstuurt|stuurt|sturen|stuur|verspreiden|verspreidt|openbaar|viral|"
            r"rondvertellen|"
            r"vertellen|vertelt|laten zien|laat zien|laat weten|delen|deel|terechtkomt|terecht komt|"
            r"baas|werkgever|"
            r"leidinggevende|directeur|krant)",
        ),
    ),
    Cue(
        "consequences",
        "dreigen_nadelige_gevolgen",
        "verbaal",
        False,
        "er werd gedreigd met nadelige gevolgen",
        (
            r"klacht|klachten|advocaat|rechtszaak|aanklagen|ombudsman|de krant|de pers|de media|"
            r"journalist|hart van nederland|omroep|ontslagen|ontslaan|(?:je|jouw|uw) baan|hogerop|tuchtklacht|"
            r"(?:naar|bij|aan|voor|met) (?:de |het |je |uw |jullie )?(?:wethouder|burgemeester|minister|kamerlid|"
            r"rechter|rechtbank|directeur|directie|baas|leidinggevende|manager)|"
            r"(?:wethouder|burgemeester|minister|kamerlid|directeur|directie) (?:\w+ ){0,2}(?:bellen|mailen|"
            r"inschakelen|schrijven|informeren|inlichten)|"
            r"(?:ik )?zorg (?:er(?:voor)? )?dat (?:je|jij|u)|(?:zaak|procedure|aangifte|rechtszaak) tegen (?:je|jou|"
            r"u|jullie)",
        ),
    ),
    Cue(
        "physical",
        "lichamelijk_geweld",
        "fysiek",
        True,
        "er was lichamelijk geweld",
        (
            r"(?:" + _HIT_VERBS + r") (?:\w+ ){0,3}" + OBJ + r"(?! eigen| zelf)",
            r"(?:" + _HIT_PARTICIPLES + r")",
            r"(?:gaf|gaven|geeft|kreeg|kregen|krijg) (?:\w+ ){0,3}(?:een |nog een |twee |"
            r"paar )?(?:harde )?(?:" + _HIT_NOUNS + r")",
            r"(?:vloog|viel|sprong) (?:\w+ ){0,2}(?:me|mij|haar|hem|ons) (?:aan|naar de keel)|te lijf",
            r"(?:" + _HIT_VERBS + r") (?:\w+ ){0,3}(?:in|op|tegen) (?:mijn|m'n|mn|haar|zijn|het|de) "
            r"(?:gezicht|hoofd|borst|buik|kaak|arm|armen|been|benen|rug|schouder|schouders|neus|oog|lip|"
            r"keel|nek|"
            r"rib|ribben|hand|been|scheen|kruis|wang)",
            r"(?:trok|trokken|rukte|sleurde) (?:\w+ ){0,3}(?:aan|uit) (?:mijn|m'n|mn|haar|zijn) (?:\w+ )?"
            r"(?:haar|haren|arm|jas|kleding|mouw|tas|shirt|hoofddoek|das)",
            r"(?:spuugde|spuwde|spoog|spuugt|spuwt|fluimde) (?:\w+ ){0,3}(?:me|mij|haar|hem|ons|collega|"
            r"in (?:mijn|m'n|zijn|haar)|"
            r"op (?:me|mij|haar|hem|mijn|zijn)|naar (?:me|mij|haar|hem|ons))|bespuugd|bespuwd|gespuugd|"
            r"gespuwd",
            r"(?:een|twee|paar|harde|flinke) (?:" + _HIT_NOUNS + r") (?:\w+ ){0,3}(?:gegeven|gekregen|verkocht|"
            r"uitgedeeld|verkocht gekregen)",
            r"aan (?:mijn|m'n|mn|haar|zijn|de|het) (?:haren|haar|arm|armen|jas|kraag|mouw|oor|oren|tas|hoofddoek) "
            r"(?:\w+ )?(?:getrokken|gesleurd|gerukt|meegesleurd)",
            # grips and holds on the neck or throat, whoever the victim
            r"(?:nekklem|wurggreep|wurgreep|houdgreep|verwurging|armklem)|"
            r"(?:greep|grepen|grijpt|pakte|pakten|kneep|knijpt|vloog|vloog hem) (?:\w+ ){0,4}(?:naar|bij|aan|om) "
            r"(?:de |zijn |haar |mijn |m'n |mn |hun )?(?:keel|nek|hals|kraag|strot)|"
            r"(?:keel|strot) (?:\w+ ){0,2}(?:dicht|dichtgeknepen|dichtknijpen|dichtkneep)|"
            r"(?:greep|grepen|pakte|pakten) (?:\w+ ){0,4}(?:vast|beet)|vastgegrepen|(?:in|met) een (?:nekklem|"
            r"wurggreep)",
            # hitting or kicking someone named by any noun ("sloeg de boa", "schopte een handhaver")
            r"(?:sloeg|sloegen|schopte|schopten|trapte|trapten|stompte|stompten|duwde|duwden|mepte|beukte|"
            r"spuugde|spuwde|beet|krabde|wurgde) (?:de|een|die|twee|beide|onze|mijn|zijn|haar) (?:\w+ )?"
            r"(?:boa|boas|boa's|handhaver|handhavers|medewerker|medewerkers|medewerkster|ambtenaar|ambtenaren|"
            r"chauffeur|buschauffeur|conducteur|conductrice|agent|agente|agenten|verpleegkundige|arts|"
            r"assistente|hulpverlener|hulpverleners|ambulancemedewerker|brandweerman|brandweerlieden|"
            r"parkeerwachter|parkeercontroleur|inspecteur|deurwaarder|consulent|collega|collegas|collega's|"
            r"baliemedewerker|baliemedewerkster|boswachter|verkeersregelaar|beveiliger)",
            r"(?:" + _HIT_VERBS + r") (?:\w+ ){0,4}(?:in|op|tegen|aan|voor) (?:\w+ ){0,2}(?:" + BODY + r")(?! eigen)",
            r"(?:klap|klappen|klappen|mep|knal|dreun|vuistslag|kopstoot|trap|schop|stomp|slagen) (?:\w+ ){0,2}"
            r"(?:voor|tegen|in|op) (?:je|zijn|haar|mijn|m'n|mn|de|het|hun) (?:" + BODY + r")",
            r"(?:deelde|deelden|uitdeelde|uitdeelden) (?:\w+ ){0,3}(?:klap|klappen|slagen|klappen uit|rake klappen)|"
            r"(?:vielen|vallen|volgden|kregen) (?:er )?(?:rake )?(?:klappen|slagen|trappen)|"
            r"(?:rake )?klappen (?:en|of) (?:trappen|schoppen)|"
            r"(?:geschopt|geslagen|getrapt|geduwd) en (?:geslagen|geschopt|getrapt|geduwd)|"
            r"(?:sloeg|sloegen|schopten|schopte) (?:\w+ ){0,3}(?:in elkaar|neer|tegen de grond)|"
            r"(?:sprong|sprongen) (?:\w+ ){0,3}(?:boven ?op|op) (?:me|mij|hem|haar|ons)|"
            r"(?:duwen|slaan|schoppen|krabben|trappen)(?: en| of)? (?:slaan|krabben|schoppen|trappen|duwen)|"
            r"(?:ging|gingen|gaan) (?:\w+ ){0,2}(?:duwen|slaan|schoppen|trappen|krabben|vechten)|"
            r"mishandeling|mishandelde|mishandelden|mishandelen|aangevallen|aanviel|aanvielen|vielen (?:\w+ )?aan|"
            r"(?:begon|begonnen) (?:\w+ ){0,3}te slaan|te lijf|onder handen genomen|"
            r"(?:met|door) (?:een|zijn|haar) (?:\w+ )?(?:" + WEAPONS + r"|stoel|terrasstoel|toetsenbord|fles|pijp|"
            r"pijpen|staaf|stok|riem|hondenriem) (?:\w+ ){0,3}(?:geslagen|bewerkt|geraakt|gestoken|afgetuigd|"
            r"aangevallen|mishandeld|te lijf)|(?:met|door) (?:\w+ ){0,2}(?:pijpen|staven|stokken|knuppels) "
            r"(?:\w+ ){0,2}(?:afgetuigd|geslagen|bewerkt|mishandeld)|"
            r"(?:gestoken|neergestoken|gestoken met|stak (?:\w+ ){0,3}(?:met|in)|neergeschoten|beschoten)",
            # a vehicle driven at someone
            r"(?:reed|reden|rijdt|rijden|gaf gas en reed) (?:\w+ ){0,5}(?:in op|op (?:\w+ ){0,3}in|recht op|"
            r"op (?:me|mij|hem|haar|ons|de \w+|een \w+) af|tegen (?:me|mij|hem|haar|ons|de \w+|een \w+) "
            r"(?:aan|op)|aan\b|klem|omver|over (?:me|mij|hem|haar|zijn|mijn|haar) (?:voet|voeten|been))|"
            r"(?:tegen (?:me|mij|hem|haar|ons) (?:aan ?reed|aanreed))|(?:aan ?te rijden|(?:op)?zettelijk aan ?gereden|"
            r"met (?:zijn|haar|de) (?:auto|wagen|bus|scooter|brommer|bromfiets|fiets) (?:\w+ ){0,3}(?:tegen|op|"
            r"in op) )|"
            r"poging (?:tot )?(?:doodslag|zware mishandeling|moord)|(?:hield|hielden|houdt) (?:\w+ ){0,6}onder schot",
            r"(?:vuist|knie|elleboog|stomp|trap|schop|klap) (?:\w+ ){0,2}(?:in|op|tegen) (?:mijn|m'n|mn|zijn|haar) "
            r"(?:zij|zij\.|" + BODY + r")|probeerde (?:\w+ ){0,9}te (?:wurgen|slaan|stikken|verstikken|steken|"
            r"raken|schoppen|verwonden|overrijden|aan te rijden)",
            # a blow to someone named by their role, with any words between ("schopte hij een van de
            # handhavers"), or told verb-last ("die de agent sloeg.")
            r"(?:" + _HIT_FINITE + r") (?:\w+ ){0,4}(?:" + ROLE + r")(?! eigen)",
            r"(?:de|een|die|deze|onze|twee|beide) (?:\w+ )?(?:" + ROLE + r") (?:\w+ ){0,3}(?:" + _HIT_FINITE
            + r")(?=\s*[.;!?]|\s+(?:en|of)\s|\s*$)",
            # a blow to a part of the body told verb-last ("ermee in het aangezicht sloeg")
            r"(?:in|op|tegen) (?:het|zijn|haar|mijn|m'n|de|hun) (?:" + BODY + r") (?:\w+ ){0,2}(?:"
            + _HIT_FINITE + r")",
            # blows that are physical by their very name
            r"vuistslag|vuistslagen|kopstoot|kopstoten|oorvijg\w*|kaakslag|elleboogstoot|karatetrap|kniestoot",
            r"(?:gaf|gaven|geeft|kreeg|kregen|krijgt|diende|dienden|verkocht|verkochten|deelde|deelden) "
            r"(?:\w+ ){0,5}(?:een|enkele|twee|drie|paar|flinke|rake|harde|zware|stevige) (?:\w+ )?(?:"
            + _HIT_NOUNS + r")(?: toe| uit)?",
            r"(?:begon|begonnen|ging|gingen) (?:\w+ ){0,5}te (?:slaan|schoppen|trappen|stompen|bijten|spugen|"
            r"spuwen|krabben|meppen|duwen|vechten)",
            # spitting and coughing at someone, in whatever order
            r"spuugde|spuwde|spoog|spuugden|spuwden|spugen|spuwen|rochel|fluim|klodder spuug",
            r"(?:hoestte|hoestten|niesde|niesden) (?:\w+ ){0,6}(?:in|op) (?:\w+ ){0,2}(?:gezicht|gezichten|"
            r"aangezicht)|(?:in|op) (?:\w+ ){0,2}(?:gezicht|gezichten) (?:\w+ ){0,4}(?:gehoest|hoestte|"
            r"hoestten|hoesten|niesde|geniesd|niezen)",
            r"laser\w* (?:\w+ ){0,5}(?:in|op) (?:\w+ ){0,3}(?:oog|ogen|gezicht)",
            # a fight the official was in
            r"vechtpartij|vechtpartijen|knokpartij|handgemeen|worsteling|op de vuist|geduw|getrek|"
            r"duwen en trekken|trekken en duwen",
        ),
    ),
    Cue(
        "injury",
        "lichamelijk_geweld",
        "fysiek",
        True,
        "er viel letsel",
        (
            # an injury told as having happened is a physical act, whatever verb the text uses for it
            r"gewond|zwaargewond|lichtgewond|verwond|verwondingen|verwonding|hoofdwond|snijwond\w*|"
            r"hersenschudding|botbreuk\w*|heupbreuk|gehoorschade|bewusteloos|bloedend|bloedde|bloedden|"
            r"gebroken (?:neus|arm|rib|ribben|pols|vinger|kaak|oogkas|enkel|been|tanden)|kneuzing\w*|"
            r"gekneusde? (?:\w+ )?(?:kaak|rib|ribben|pols|hand|arm|been|schouder)|wond aan",
        ),
    ),
    Cue(
        "throw",
        "gooien_voorwerpen",
        "fysiek",
        True,
        "er werd met voorwerpen gegooid",
        (
            r"(?:"
            + _THROW_VERBS
            + r") (?:\w+ ){0,5}(?:naar|tegen|op|over|door|richting|in) (?!de telefoon|de hoorn)"
            r"(?:\w+ ){0,2}(?:me|mij|ons|mijn|m'n|mn|haar|hem|hoofd|balie|collega|de \w+|het \w+)",
            r"(?:" + _THROW_VERBS + r") (?:\w+ ){0,3}(?:een |de |het |zijn |haar |met )?(?:\w+ )?"
            r"(?:stoel|beker|kopje|koffie|fles|glas|asbak|boek|boeken|map|papieren|stapel|tas|sleutels|"
            r"telefoon|"
            r"laptop|steen|stenen|ei|eieren|blikje|flesje|schoen|pen|nietmachine|plant|water|bekertje|"
            r"dossier)",
            r"(?:" + _THROW_VERBS + r") (?:\w+ ){0,3}(?:met|naar)",
            r"(?:kwam|vloog) (?:\w+ ){0,3}(?:tegen|naast|langs) (?:mijn|m'n|haar|zijn) hoofd",
            r"bekogeld|bekogelde|bekogelden|bekogelen|bekogelt|bekogeling|"
            r"regen van (?:stenen|flessen|eieren|vuurwerk|appels|blikjes)",
            r"(?:" + _THROW_VERBS + r") (?:\w+ ){0,6}(?:naar|tegen|richting) (?:\w+ ){0,3}\w+",
            r"naar (?:\w+ ){0,3}(?:hoofd|kop|gezicht|lijf|auto|wagen|hoofden) (?:\w+ )?(?:gegooid|gesmeten|"
            r"geworpen|geslingerd|geschoten|afgeschoten|afgevuurd)",
            r"(?:gooien|gegooid|smijten|gesmeten) (?:\w+ ){0,2}met (?:\w+ ){0,4}\w+|"
            r"(?:schoten|schoot|richtten|richtte) (?:\w+ ){0,3}(?:vuurwerk|stenen|pijlen|zwaar vuurwerk|"
            r"vuurwerkbommen) (?:\w+ ){0,3}(?:op|naar)",
        ),
    ),
    Cue(
        "block",
        "vasthouden_insluiten",
        "fysiek",
        True,
        "je werd vastgehouden of ingesloten",
        (
            r"(?:hield|hielden|houdt) (?:\w+ ){0,4}vast|vastgehouden|(?:hield|hielden) (?:me|mij|"
            r"ons) tegen|"
            r"(?:versperde|versperden|blokkeerde|blokkeerden|blokkeert|verspert) (?:\w+ ){0,3}(?:weg|uitgang|deur|"
            r"doorgang|pad|gang|ambulance|auto|wagen|bus|me|mij|ons|haar|hem)|versperd|geblokkeerd|ingesloten|opgesloten|insloot|"
            r"opsloot|sloot (?:\w+ ){0,3}op|(?:deur|hek|poort) (?:\w+ ){0,3}op slot|"
            r"(?:liet|lieten) (?:me|mij|haar|ons) (?:\w+ )?(?:niet|nergens) (?:gaan|weg|door|eruit|"
            r"los|langs)|"
            r"liet niet los|(?:voor|in) (?:de )?(?:deur|uitgang|doorgang) (?:\w+ )?(?:staan|stond|"
            r"ging staan)|"
            r"(?:kon|konden|kan|kunnen) (?:er )?niet (?:meer )?(?:weg|eruit|uit|langs|naar buiten)|"
            r"klem (?:gezet|zetten)|"
            r"klemgezet|klemgezette|klemgereden|"
            r"gegijzeld|gijzelde|gijzelden|gijzeling|in gijzeling|naar binnen (?:getrokken|gesleurd)|"
            r"(?:reed|reden) (?:\w+ ){0,3}klem|sloten (?:\w+ ){0,3}in|"
            r"(?:pakte|greep) (?:\w+ ){0,3}(?:bij|aan) (?:de |mijn |m'n |haar |zijn )?(?:arm|pols|mouw|"
            r"kraag|jas|keel)",
        ),
    ),
    Cue(
        "vandalism",
        "vernieling",
        "fysiek",
        True,
        "er werd iets vernield",
        (
            r"vernield|vernielde|vernielden|vernielen|vernieling|gesloopt|sloopte|beschadigd|beschadigde|"
            r"ingetrapt|ingeslagen|bekrast|bekraste|lek gestoken|lekgestoken|kapotgemaakt|kapotgeslagen|"
            r"kapotgetrapt|kapotgegooid|omver gegooid|omvergegooid|omgegooid|omgeschopt|"
            # the same told as a finite verb with its particle last: "gooide een folderstandaard om"
            r"(?:gooide|gooiden|smeet|smeten|trapte|trapten|schopte|schopten|duwde|duwden) "
            r"(?!(?:(?:hij|ze|zij|die|men) )?(?:me|mij|hem|haar|ons|jou|je|mijn collega|het roer|de knop|de boel|"
            r"(?:zijn|haar|een) "
            r"(?:jas|sjaal|das|tas))\b)(?:\w+ ){1,5}(?:om|omver)"
            r"(?=\s*(?:$|[.,;:!?]|en\b|maar\b|toen\b|waarna\b|terwijl\b))|"
            r"(?<!gezin\x20)(?<!leven\x20)(?<!huwelijk\x20)kapot (?:gemaakt|geslagen|"
            r"getrapt|gegooid)|(?:sloeg|trapte|schopte|gooide|maakte|smeet) (?:\w+ ){0,9}(?:kapot|stuk)|graffiti|"
            r"(?:stak|staken|steekt) (?:\w+ ){0,4}(?:in brand|brandje aan|brand aan|in de fik)|brandstichting|"
            r"in brand gestoken|in de fik gestoken|"
            r"stukgeslagen|stuk geslagen|aan diggelen|"
            r"beklad|"
            r"maar wel (?:\w+ ){0,8}kapot",
        ),
    ),
    Cue(
        "sexual_touch",
        "seksueel",
        "fysiek",
        True,
        "je werd ongewenst aangeraakt",
        (
            r"betastte|betast|betasten|begrapte|begrapen|(?:zat|zitten|zit) (?:\w+ ){0,2}aan (?:mijn|"
            r"m'n|mn|haar)|"
            r"(?:tik|tikje|klap|kneep|hand|handen) (?:\w+ )?(?:op|in|aan|tegen|naar) (?:mijn|m'n|mn|haar) "
            r"(?:billen|kont|borsten|borst|achterwerk|dij|bovenbeen)|"
            r"probeerde (?:me|mij|haar) te zoenen|zoende|kuste (?:me|mij|haar)|(?:hand|arm) om (?:mijn|"
            r"haar) (?:middel"
            r"|schouder)|aanraking|aangeraakt|aanraken",
        ),
    ),
    Cue(
        "sexual_remark",
        "seksueel",
        "verbaal",
        False,
        "er waren ongewenste seksuele opmerkingen",
        (
            r"seksueel(?! misbruik)|seksuele(?! geaardheid| voorkeur| misbruik)|seksistisch|schatje|lekker ding|"
            r"lekkere|sexy|geil|naar bed|neuken|"
            r"mooie benen|wat een lijf|(?:op|over) (?:mijn|haar) (?:uiterlijk|lichaam|borsten)|hijgde|"
            r"dickpic|"
            r"naaktfoto|schatteke|poppetje",
        ),
    ),
    Cue(
        "discrimination",
        "discriminatie",
        "verbaal",
        False,
        "er waren discriminerende opmerkingen",
        (
            r"racist|racistisch|racistische|discriminatie|discriminerend|discriminerende|gediscrimineerd|"
            r"neger|negers|nikker|zwartje|makak|apen|aap|terug naar (?:je|jouw|uw) (?:eigen )?land|"
            r"(?:jouw|jullie|uw) soort|(?:jouw|jullie) volk|hoofddoek|moslim|moslims|jood|joden|homo|flikker|"
            r"mietje|marokkaan|marokkanen|turk|turken|buitenlander|buitenlanders|allochtoon|allochtonen|"
            r"asielzoekers|kutmarokkaan|bruine|zwarte|\w+zwarte|zulu\w*",
        ),
    ),
    Cue(
        "humiliation",
        "vernederen",
        "verbaal",
        False,
        "je werd vernederd",
        (
            r"vernederd|vernederde|vernederen|vernedering|vernederend|uitgelachen|lachte (?:\w+ ){0,2}uit|"
            r"belachelijk gemaakt|belachelijk maken|kleineerde|kleinerend|gekleineerd|neerbuigend|"
            r"als een kind|"
            r"voor schut|minachtend|kun je wel lezen|dom (?:meisje|wicht|blondje)",
        ),
    ),
    Cue(
        "insult",
        "schelden_beledigen",
        "verbaal",
        False,
        "er werd gescholden of beledigd",
        (
            r"kanker\w*|tyfus\w*|tering\w*|klootzak\w*|lul|lullen|eikel|eikels|idioot|idioten|debiel\w*|"
            r"mongool|"
            r"mongolen|sukkel|sukkels|kut\w*|hoer|hoeren|trut|teef|slet|wijf|zakkenwasser\w*|achterlijk\w*|"
            r"imbeciel|incompetent\w*|nutteloos|nutteloze|waardeloos|waardeloze|oplichter\w*|dief|dieven|"
            r"landverrader\w*|fascist\w*|nazi\w*|fuck\w*|shit|godverdomme|gvd|klote\w*|stomme|muts|zielig\w*|"
            r"randdebiel|loser\w*|schoft\w*|hufter\w*|etter\w*|ambtenarentuig|tuig|uitschot|parasiet\w*|"
            r"scheld\w*|schold|scholden|uitgescholden|gescholden|gesheld|scheldwoord\w*|vloekte|"
            r"vloekten|vloeken|"
            r"schreeuwde|schreeuwden|schreeuwen|geschreeuwd|schreeuwend|tierde|tieren|brulde|brullen|krijste|"
            r"verhief|tekeer|uitgevaren|uitvallen|viel uit|beledig\w*|grof|grove|onbeschoft\w*|boos|"
            r"kwaad|woedend|"
            r"stelletje|rot (?:toch )?op|opgerot|opzouten|donder op|flikker op|hoge toon|toon|"
            r"rot(?:wijf|zak|vent|kop|kind|hoer|streek)\w*|\w+wijf|verwensing\w*|haatmail\w*|haatbericht\w*|"
            r"haatreactie\w*|onbetamelijk\w*|toeter\w*|claxon\w*|tekeergegaan|tekeergaan",
            r"mafkees|schooier\w*|zwerver\w*|a\.?c\.?a\.?b|all cops are bastards|mierenneuker\w*|clown\w*|"
            r"f\*cking|rotte vis|hitler|gestapo|ambtenaartje\w*|nepagent\w*|neppolitie|lafaard\w*|"
            r"\w+gescholden|(?!kwijt)\w+scheld\w*|scheldpartij\w*|uitgemaakt (?:voor|als)|de volle laag|"
            r"verbale? (?:agressie|geweld|agressief)|verbaal (?:agressief|geweld)|middelvinger|obscene gebaren|"
            r"(?:onbetrouwbaar|corrupt) (?:\w+ )?genoemd|(?:noemde|noemden) (?:me|mij|hem|haar|ons|de \w+) "
            r"(?:een )?(?!van|de|het|een|in|op|bij|en|als|aan|voor)\w+",
        ),
    ),
    Cue(
        "demand",
        None,
        None,
        False,
        "er werd druk gezet om iets gedaan te krijgen",
        (
            r"als (?:ik|je|jij|u|wij|we|jullie|hij|zij|ze) (?:[\w']+ ){0,8}?niet|tenzij|eiste|eisten|eist|"
            r"(?:wilde|wil) (?:\w+ ){0,2}dat (?:ik|je|wij|we|jullie)|pas als|anders (?:\w+ ){0,3}(?:ik|"
            r"hij|ze|zij)|"
            r"om (?:\w+ ){0,6}(?:te krijgen|gedaan te krijgen|af te dwingen|te laten)|"
            r"moest (?:\w+ ){0,4}(?:regelen|"
            r"goedkeuren|intrekken|betalen|uitbetalen|aanpassen|verhogen)|zodat (?:ik|je|u) (?:\w+ ){0,4}zou",
        ),
    ),
    Cue(
        "despair",
        None,
        None,
        False,
        "de boosheid was vooral op zichzelf gericht",
        (
            r"huilde|huilen|huilend|in tranen|wanhopig|radeloos|ten einde raad|ik ben (?:niks|niets) waard|"
            r"(?:ik ben|ben ik) (?:een |zo'n |maar een )?(?:\w+ )?(?:mislukkeling|waardeloos|nutteloos|gek|sukkel|"
            r"loser|nul|stuk vuil)|zichzelf|mezelf|op zichzelf|tranen|snikte|snikkend|"
            r"stortte in|ingestort|emotioneel|overstuur|eigen schuld|mijn eigen fout|"
            r"zie het niet meer zitten|moeilijke (?:financiele )?situatie|(?:diep|hoog) in de schulden|"
            r"geen uitweg|wanhoop|machteloos|in paniek",
        ),
    ),
    Cue(
        "despair",
        None,
        None,
        False,
        "de boosheid was vooral op zichzelf gericht",
        (r"kan (?:het )?niet meer",),
        skip_inside=True,
    ),
)

WEAPON_RE = re.compile(r"\b(?:" + WEAPONS + r")\b")
INJURY_PATTERNS = (
    r"gewond|verwond|verwonding|verwondingen|letsel|blauwe plek(?:ken)?|bloed|bloedde|bloedneus|bloedende|"
    r"gebroken (?:neus|arm|rib|pols|vinger|kaak)|gekneusd|kneuzing|hersenschudding|wond|snee|schaafwond|"
    r"ziekenhuis|spoedeisende hulp|seh|ehbo|huisarts|dokter|gehecht|hechtingen|pijn|pijnlijk|builen?|"
    r"dikke lip|blauw oog|sterretjes|gebroken|bewusteloos|ziek gemeld|ziekgemeld"
)
DAMAGE_PATTERNS = (
    r"schade|kapot|vernield|vernielde|beschadigd|beschadiging|gebroken (?:ruit|raam|scherm|monitor|deur)|"
    r"ingetrapt|ingeslagen|bekrast|lek gestoken|lekgestoken|gesloopt|kapotgemaakt|kapotgeslagen|gescheurd|"
    r"deuk|krassen|omgegooid|omvergegooid"
)

_GAP = r"(?:\s+[\w'-]+){0,3}?\s+"
_WORD_GAP = re.compile(r"\(\?:(\\w\+|\[\\w'\]\+) \)\{(\d+,\d+)\}\??")


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A cue pattern as a regex: word-bounded, ` _ ` a gap of up to three words, spaces flexible."""
    # word gaps such as (?:\w+ ){0,3} stay within the clause (no commas) and match as little as possible
    pattern = _WORD_GAP.sub(lambda m: "(?:" + m.group(1) + "\x01){" + m.group(2) + "}?", pattern)
    body = (
        pattern.replace(" _ ", "\x00").replace(" ", r"[\s,]+").replace("\x00", _GAP).replace("\x01", r"\s+")
    )
    return re.compile(r"(?<!\w)(?:" + body + r")(?!\w)")
