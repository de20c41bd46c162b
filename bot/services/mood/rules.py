"""Rules that come before any scoring: a message about self-harm or crisis, a message in
another language, and sarcasm ("oh great, another monday" is not happy).

They are patterns rather than learned, on purpose: a crisis must be recognised the same way
every time, whatever the examples say, and each rule can be read and argued with here.
"""

from __future__ import annotations

import re
import unicodedata

from bot.services.mood.text import normalise


class _Pattern:
    """A regular expression compiled on first use. Python's compiler took 35 ms of every start-up
    for these four, before the bot could connect; :func:`compile_patterns` (the reader's warm-up,
    once the bot is in its servers) or the first reading pays it instead."""

    _all: list[_Pattern] = []

    def __init__(self, source: str) -> None:
        self.source = source
        self._compiled: re.Pattern[str] | None = None
        _Pattern._all.append(self)

    def search(self, text: str) -> re.Match[str] | None:
        if self._compiled is None:
            self._compiled = re.compile(self.source)
        return self._compiled.search(text)


def compile_patterns() -> None:
    for pattern in _Pattern._all:
        pattern.search("")


# What a member who may be in crisis sees: kind, short, no joke, and no list of numbers that
# could go out of date; the server's moderators are people who are actually there.
CRISIS_REPLY = (
    "That sounds really heavy, and I'm glad you said it. I'm only a joke bot, so no joke this time. "
    "Please talk to someone you trust, or reach out to this server's moderators: you don't have to "
    "carry this alone. 💙"
)
OTHER_LANGUAGE_REPLY = (
    "For now I only understand moods in English, sorry. Say it in English, or pick the closest mood:"
)

_CRISIS = _Pattern(
    r"\b(?:"
    # harming or killing oneself, said outright
    r"(?:kill|killing|killed|hurt|hurting|harm|harming|harmed|cut|cutting|burn|burning|burned|burnt|starve|starving|starved)"
    r" my ?self"
    r"|kms|unalive(?: my ?self)?|self[- ]?harm\w*|suicid\w*|overdos\w*"
    r"|end (?:it all|my life|things|everything|it tonight)|ending it(?: all)?\b(?! with)|take my (?:own )?life"
    # wanting to be dead (but not "dying of laughter" or "dead tired")
    r"|(?:want|wanna|wnat|wnt|wan|going|ready|wish i (?:was|were|could)|would rather|rather) "
    r"(?:to )?(?:be )?(?:die|dead)\b"
    r"(?! (?:of|from|laughing|tired|on my feet|than))"
    r"|(?:don't|do not) want to (?:be alive|live|exist|be here any ?more|wake up|go on)"
    r"|(?:sleep|asleep|go to sleep|fall asleep|drift off) and (?:just )?(?:never|not) wake up"
    r"|never wake up again|not wake up tomorrow"
    r"|(?:no|what's|what is|not any|there's no|see no|is there any)(?: even| really| actually)?(?: the| a| any)? "
    r"(?:reason|point) "
    r"(?:to|in|of) (?:live|living|going on|"
    r"being alive|being here|staying|carrying on)"
    r"|better off (?:dead|without me)|(?:life|living) (?:is|isn't) (?:not )?worth (?:it|living)|not worth living"
    r"|can't go on|can't keep going|can't do (?:this|life) any ?more\b.*\b(?:die|end|gone)"
    # being a burden, being gone, saying goodbye for good
    r"|(?:nobody|no one|noone) would (?:even )?(?:miss|notice|care)\b.*\b(?:gone|dead|died|disappeared|not here)"
    r"|\bi(?:'m| am| was| were| could be| should be)? (?:just )?gone for good|if i (?:was|were) gone\b"
    r"|(?:disappear|vanish) (?:forever|for good)|stop existing|cease to exist|not exist any ?more"
    r"|(?:wish|want) i was never born"
    r"|goodbye (?:letter|letters|note|notes|message|messages)|(?:suicide|last) note|said my goodbyes"
    r"|giving (?:away|my) (?:all )?my (?:stuff|things)|written my (?:will|note|letters)"
    # wanting it all to stop or end for good, not waking up, being a burden
    r"|(?:want|wanna|need|wish|just want) (?:it|this|everything|it all|all of it|the pain|life|my life) "
    r"(?:all )?(?:to )?(?:stop|end|be over)\b.{0,20}\b(?:for good|forever|permanently|for ever)"
    r"|(?:want|wish|need) (?:it|this|everything|it all|my life|the pain) (?:all )?(?:to )?(?:be over|end|stop) "
    r"(?:for real|already|now)\b.{0,40}\bcan't"
    r"|can't do (?:this|it|life) any ?more\b.{0,40}\b(?:stop|end|over|gone|for good|forever)"
    r"|(?:hope|wish|pray|want) (?:that )?i (?:don't|do not|never|won't) wake up"
    r"|(?:rather|prefer) not (?:wake up|be here|exist|be alive)"
    r"|(?:i'm|i am|im|i feel like|feel like) (?:just )?(?:a|such a) (?:burden|waste of space)\b"
    r"|(?:everyone|everybody|they|my family|the world) (?:would|will|'d) be (?:better|happier) "
    r"(?:off )?without me"
    r"|(?:tired of|done with|sick of) (?:living|being alive|existing|life itself)"
    r"|(?:don't|do not) want to (?:be around|exist) any ?more|no point (?:in )?(?:me )?being here"
    r"|(?:want|wanna) to (?:disappear|vanish) (?:for good|forever|and never come back)"
    r"|(?:want|wanna) (?:to )?(?:sleep|go to sleep) (?:forever|and not wake)"
    r"|(?:want|wish|need) (?:it all|everything|my life|all of this|all of it) (?:to )?(?:end|be over|stop)\b"
    r"|(?:wish|want) (?:that )?i could (?:just )?(?:disappear|vanish|not exist|stop existing|not be here)"
    # the warning signs people name: self-harm said without "myself", means made ready, a plan,
    # things given away, others better off with them not around
    r"|(?:been|started|keep|kept|back to|relapsed,?(?: and)?) cutting (?:again|myself)\b"
    r"|cutting again\b(?! (?:on|back|carbs|sugar|costs|the))"
    r"|(?:have|got|saved|saved up|stockpiled|collected|counted) (?:the |enough |all the |my |all my )?"
    r"(?:pills|meds|tablets)"
    r" (?:ready|saved|lined up|to do it|for tonight)|enough (?:pills|meds|tablets) to (?:do it|end it|not wake)"
    r"|(?:saved up|stockpiled|stockpiling|hoarding|counted out) (?:enough |all the |my )?(?:pills|meds|tablets)\b"
    r"|(?:saved up|stockpiled|stockpiling|hoarding|counted out) (?:enough |all the |my )?(?:pills|meds|tablets)\\b"
    r"|(?:planning|planned|made a plan|have a plan|got a plan) (?:for )?(?:how|when) (?:to|i'll|i will) do it\b"
    r"|made a plan to (?:end|die|kill|do it)"
    # a height and the thought of the drop; a last day said as a decision; letters and goodbyes
    # for after they are gone
    r"|(?:standing|stood|sitting|sat|up) (?:on|at) (?:the |a |this )?(?:edge of (?:the |a )?)?"
    r"(?:bridge|ledge|roof|rooftop|cliff|edge)\b.{0,50}\b(?:jump|jumping|let go|end it|fall)\b"
    r"|(?:jump|jumping|throw myself) (?:off|from) (?:the |a |this )?(?:bridge|roof|building|cliff|ledge|tower)\b"
    r"(?!.{0,30}\b(?:pool|lake|river for|water for|dare|swim))"
    r"|(?:this is|it's|its|will be|is) my last (?:day|night|week|days|weekend) (?:on earth|alive|on this earth)\b"
    r"|made up my mind\b.{0,40}\blast (?:day|night|week|weekend)\b"
    r"|(?:wrote|written|writing|left|leaving) (?:some |a few )?(?:letters?|notes?) (?:to|for) (?:my |everyone|the )?"
    r"(?:family|kids|children|parents|mum|mom|dad|wife|husband|partner|everyone|friends)\b.{0,40}"
    r"\b(?:in case|not (?:here|around)|after i'm gone|when i'm gone)\b"
    r"|(?:goodbye|saying goodbye|said goodbye|thanks for everything)\b.{0,80}\b(?:won't|wont|will not|not going to) "
    r"be (?:around|here|alive) (?:after|past|by|beyond|much longer|any ?more)\b"
    r"|(?:have|got|making|with) a plan to (?:end it|end my life|end everything|die|kill myself)"
    r"|took (?:a bunch of|all my|all the|too many|loads of|a load of|a handful of|the whole (?:box|pack|bottle) of) "
    r"(?:pills|tablets|meds|painkillers|sleeping pills)"
    r"|goodbye (?:everyone|all|forever|world)\b.{0,40}\b(?:last|forever|for good)\b"
    r"|this is my last (?:message|post|goodbye)\b(?! (?:before|for|today|tonight|of))"
    r"|ending (?:everything|my life)\b|feel like ending (?:it|things|everything)\b(?! with)"
    r"|(?:want|wanna|wish|need) to be gone(?= *(?:forever|for good|$|[.!,]))"
    r"|wrote (?:my|a) (?:suicide )?(?:note|goodbye letter|goodbye)\b|done with (?:life|living)\b"
    r"|(?:want|wanna|going|need|gonna|ready) to end it(?= *(?:tonight|now|all|for good|forever|$|[.!,]))"
    r"|(?:no|what's the|there's no|not any) (?:reason|point) (?:to|in) (?:keep going|keep living|carry on|carrying on|"
    r"continue|continuing)"
    r"|better off not (?:existing|being here|being alive|alive|around)"
    r"|giving (?:my|all my) (?:stuff|things) away|won't need (?:it|them|my \w+) (?:soon|much longer|any ?more)\b"
    r"|(?:better off|happier|easier|simpler|better|fine) if i (?:just )?(?:wasn't|weren't|was not|were not|wasnt|"
    r"werent) (?:around|here|alive|there)"
    r"|(?:want|wanna) to (?:not be here|not exist|not be alive)"
    r"|(?:don't|do not|can't|cannot) see (?:the|any) point (?:in|of) (?:anything|living|life|going on|me)"
    r"|(?:don't|do not|can't|cannot|no longer|never) see (?:the|any|a|much) (?:reason|point|purpose) (?:to|in|of|for) "
    r"(?:keep |keeping |go |going )?(?:living|live|on living|alive|going on|being alive|being here|carrying on|"
    r"carry on|staying|existing)\b"
    r"|\b(?:see|saw|find|found|have|got|there's|there is) (?:no|zero) (?:reason|point|purpose) (?:to|in|of|for) "
    r"(?:keep |keeping )?(?:living|live|being alive|existing|staying alive|life)\b"
    # a time set for it: "tonight's the night i end it", "tomorrow i end it all"
    r"|\b(?:tonight|today|tomorrow|this week|this weekend)(?:'s| is)? (?:the (?:night|day|time) )?"
    r"(?:i|i'll|i will|i'm going to) (?:end it|end things|end my life|kill myself)\b(?! with)"
    r"|\b(?:the (?:night|day|time)|time|ready) (?:i|i'll|when i|to) (?:finally )?end (?:it|things|my life)\b(?! with)"
    r"|(?:thinking|thought) (?:about|of) (?:ending (?:it|things|my life|everything)\b(?! with)|killing myself"
    r"|not being here)"
    r"|(?:everyone|everybody|people|they) (?:would be|'d be|will be) (?:fine|ok|okay|better) (?:if i was gone|"
    r"without me)"
    r"|wish i (?:wasn't|weren't|was not|were not) (?:here|alive|around)\b(?! (?:at|in|for|with|today|tonight))"
    # the means, and not being safe
    r"|(?:planning|plan|going|gonna|about|ready|want|wanna|decided) (?:on |to )?(?:take|taking|swallow|swallowing) "
    r"(?:all|every one|the whole (?:box|pack|bottle)) (?:of )?(?:my|the|these|those) ?"
    r"(?:pills|meds|tablets|painkillers)"
    r"|how many (?:pills|tablets|sleeping pills)|(?:pills|tablets) (?:it )?(?:would )?take to"
    r"|not safe (?:right now|with myself|tonight|alone)|i'm not safe|i am not safe|don't feel safe with myself"
    r"|(?:a|the) (?:bridge|rope|ledge) (?:tonight|for me)|(?:jump|jumping) (?:off|from) (?:a|the) "
    r"(?:bridge|roof|building)"
    r")"
)

# Common function words and mood words of the languages members are likeliest to write in,
# minus any that are also English words. One of these with no English around it is enough.
_FOREIGN = frozenset("""
estoy estás esta está muy pero porque hoy tengo mucho nada mí estoy cansado cansada triste feliz aburrido
aburrida enojado enojada estresado estresada solo sola sólo contento contenta también día noche mañana
siento qué bien mal quiero hermano amigo amigos
je suis très mais pas les des une aujourd'hui avec moi c'est j'ai tout fatigué fatiguée heureux heureuse
ennuie seul seule énervé énervée stressé stressée ça vais suis journée trop
ich bin sehr aber nicht heute und das ist mir müde traurig glücklich langweilig allein wütend gestresst
mich fühle habe keine niemand einsam
estou muito não hoje com cansado feliz sozinho sozinha saudade chateado chateada estressado tô
sono molto oggi non stanco stanca felice annoiato annoiata arrabbiato arrabbiata ho mi sento
ik ben heel moe vandaag niet blij verdrietig boos verveeld alleen
che noia ragazzi sempre davvero
jestem bardzo nie się mam dzisiaj jak zmęczony zmęczona smutny smutna szczęśliwy znudzony wkurzony
çok bugün ben değil yorgun mutlu üzgün sıkıldım sinirli yalnız
jag är och inte mycket idag trött ledsen arg ensam uttråkad
aku saya lagi sedih banget sangat senang bahagia capek lelah bosan marah kesal sendiri sendirian kesepian hari ini
tidak nggak gak enggak sekali tapi karena sudah belum bisa kerja rumah teman kamu
ako ang ko ngayon talaga sobrang masaya malungkot pagod galit naiinip nag-iisa akong kasi lang naman wala
 ngayong araw
mein hoon bahut bohot thak gaya gayi hain nahi nahin mujhe mera meri aaj udaas udas khush pareshan akela akeli
gussa kya yaar bilkul accha kuch kaam
watashi totemo sugoku tsukareta ureshii kanashii sabishii taikutsu desu kyou nemui
nimechoka furaha huzuni niko yangu hasira
sunt foarte obosit obosita trist trista fericit fericita singur singura azi astazi plictisit nervos
olen todella väsynyt surullinen iloinen tänään yksin tylsää vihainen minä
jeg meget veldig træt trøtt sliten ked alene ikke keder kjeder
vagyok nagyon fáradt szomorú boldog egyedül unatkozom mérges
siento harto harta agotado agotada preocupado preocupada ansioso nervioso enfadado molesto deprimido aburro
sueño ganas nadie todos
estou cansada sozinho entediado puto raiva hoje ninguém também aqui sinto
fatigué heureux ennuyé personne rien marre crevé claqué déprimé
gelangweilt sauer genervt echt keine bock nichts
sono stanco felice annoiato incazzato nessuno niente sento tanto troppo
erg verveel niemand niks
jestem zmęczony smutny dzisiaj nikt nudzi
yorgunum mutluyum üzgünüm yalnızım sinirliyim hiç kimse
hola bonjour ciao merhaba konnichiwa privet gracias merci danke obrigado obrigada grazie
""".split())


# Short words that English shares with the languages above.
_SHARED = frozenset("me no a so tu te son fin die was bin man hat also will war ok is de la en in un".split())


def is_crisis(text: str) -> bool:
    return bool(_CRISIS.search(normalise(text)))


def other_language(words: list[str], text: str, english: frozenset[str]) -> bool:
    """Is this written in a language other than English? Mostly letters of another script, or
    words of another language outnumbering the English ones."""
    letters = [ch for ch in text if ch.isalpha()]
    if letters:
        latin = sum(1 for ch in letters if "LATIN" in unicodedata.name(ch, ""))
        if len(letters) - latin >= 2 and latin / len(letters) < 0.5:
            return True
    # A word of both ("me", "solo", "so", "bin") is evidence for neither.
    foreign = sum(1 for w in words if w in _FOREIGN and w not in english)
    accented = sum(1 for w in words if w not in english and any(ord(ch) > 127 and ch.isalpha() for ch in w))
    known = sum(1 for w in words if w in english and w not in _FOREIGN and w not in _SHARED)
    return foreign + accented >= 1 and foreign + accented > known


_SARCASM = _Pattern(
    r"^(?:oh|ah|ahh|ooh|wow)[,!. ]+(?:great|joy|wonderful|fantastic|perfect|lovely|brilliant|goody|yay|super|"
    r"awesome|amazing|nice|fun|good)\b"
    r"|^(?:oh|ah|wow|ooh)[,!. ]+what an? (?:thrilling|exciting|fun|riveting|great|lovely|wonderful|fantastic|fun)\b"
    r"|\b(?:great|perfect|fantastic|wonderful|brilliant|lovely|awesome|nice|super)[,.!]* just "
    r"(?:great|perfect|fantastic|wonderful|brilliant|lovely|awesome|what i needed)\b"
    r"|\bjust what i (?:needed|wanted)\b|\bexactly what i (?:needed|wanted)\b|\blove (?:that|this) for me\b"
    r"|\bthanks a lot\b|\bthanks for nothing\b"
    # "thanks so much for leaving the dishes for me again": thanks for something done to one, again
    r"|\bthanks?(?: you)?(?: so much| a bunch| loads| heaps| ever so much)? for (?:leaving|ignoring|forgetting|"
    r"eating|using|taking|breaking|waking|ditching|cancelling|not)\b.{0,50}\bagain\b"
    r"|\bthanks?(?: you)?(?: so much| a bunch| loads| heaps| ever so much)? for (?:ghosting|ignoring|blanking|ditching|"
    r"abandoning|forgetting|dumping) (?:me|us)\b"
    r"|\bwhat a (?:great|lovely|perfect) (?:start|way to)\b.*\b(?:not|another|again)\b"
    r"|\byay[.!]*\s*(?:not|\.\.\.)|\bso much fun\b.*\.\.\.|\bcan't wait\b.*\b(?:another|more) (?:meeting|monday|exam)"
    r"|(?:^|\s)/s\b"
    # excitement said of the same thing again: "oh exciting, the third rerun of it"
    r"|^(?:(?:oh|ah|wow|ooh)[,!. ]+(?:how |so )?|(?:how|so) (?=\w+[,.!]+\s+(?:watching|waiting|sorting|doing|filling|"
    r"listening|reading|sitting|queuing|cleaning|another|more|the same|same)\b))"
    r"(?:exciting|thrilling|riveting|fascinating|fun)[,.!]+\s.{0,40}"
    r"\b(?:another|again|same|rerun|reruns|repeat|yet|third|fourth|fifth|hundredth|millionth)\b"
    r"|^(?:what a |a )?(?:great|perfect|fantastic|brilliant|lovely|wonderful|awesome|amazing) (?:start|way to start|"
    r"beginning|end) to (?:the|my) \w+[,.!:;-]+ *\w"
    r"|^(?:oh )?(?:sure|yeah|right)[,!. ]+(?:let's|lets|why not|go ahead and|just)\b.{0,50}\b(?:another|more|again)\b"
    r"|\b(?:yeah|sure|because|cause|cos) (?:because |cause )?i (?:totally|really|just|absolutely) "
    r"(?:love|adore|enjoy)\b"
    r"|^(?:wow|oh|ah|gotta|got to|don't you just|dont you just|i just|just)[,!. ]*(?:love|adore) (?:it when|getting|"
    r"being|having to|waiting|sitting|paying|doing)\b"
    # "oh sure, add another meeting", "oh wow another tutorial, thrilling", "i adore meetings"
    r"|^(?:oh|ah|wow)[,!. ]+(?:sure|yeah|joy|boy|goody|wow)\b.{0,60}\b(?:another|more|again|love|adore)\b"
    r"|\b(?:another|more|again|extra)\b.{0,50}[,.!-]\s*(?:thrilling|riveting|exciting|fascinating|gripping|fun|"
    r"great|lovely|amazing|fantastic|wonderful|perfect|brilliant|awesome|yay|love it|love that)[.!]*\s*\W*$"
    r"|\b(?:another|more|extra)\b.{0,50}\bi (?:just )?(?:adore|love|live for) (?:\w+ )?(?:meetings|mondays|traffic|"
    r"homework|taxes|paperwork|queues|waiting|tutorials|emails|chores|deadlines|overtime)\b"
    # "so glad i waited two hours for nothing", "truly living the dream", "wow so popular, zero replies"
    r"|\b(?:so glad|so happy|glad|love|loved|loving|great|fantastic|brilliant)\b.{0,50}\bfor nothing\b"
    r"|\b(?:truly|really|just|literally|yep|yeah|ah|oh|clearly|totally|absolutely) living the dream\b"
    r"|\bliving the dream\s*(?:\.\.+|lol|lmao|🙃|😐|😑|🙄|/s)"
    r"|^(?:wow|oh|ah|ooh)[,!. ]+(?:so|such|very|how) (?:popular|loved|wanted|lucky|fun|productive|exciting|"
    r"relaxing|great)\b.{0,40}\b(?:zero|no|nobody|no one|nothing|none|again|another)\b"
    r"|\b(?:great|yay|wonderful|fantastic|perfect|lovely|awesome|brilliant)\b.{0,20}\b(?:another|again|more) "
    r"(?:monday|mondays|meeting|meetings|rain|traffic|homework|bill|bills|deadline|overtime|shift)"
)


def is_sarcastic(text: str) -> bool:
    return bool(_SARCASM.search(normalise(text)))


# Cheerful words of excitement, said sarcastically, mean the opposite of excitement: "another
# tutorial level, thrilling" is bored, where "oh great, another monday" is fed up.
_DULL_SARCASM = _Pattern(r"\b(?:thrilling|riveting|exciting|fascinating|gripping|edge of my seat|so much fun|"
                          r"what fun|how fun|how exciting|such fun)\b")


def sarcasm_is_dull(text: str) -> bool:
    return bool(_DULL_SARCASM.search(normalise(text)))


# Messages that use a mood word without saying how the writer feels: an advert's question
# ("tired of waiting? try the express lane"), a question about a word ("what does knackered
# mean"), or not knowing what one feels.
_NOT_ABOUT_ME = _Pattern(
    r"^[^?]{1,40}\?\s*(?:then |just )?(?:try|check out|check|join|visit|get|come|click|sign up|download|grab|book|"
    r"call|shop|order|learn|discover|meet|ask|see|head|swing by|pop in|roll|spin|play|enter|win|tap|buy|tune in|"
    r"subscribe|follow|dm|text|register|enrol|enroll|start|upgrade)\b"
    r"|\b(?:what does|what do you call|how do you spell|how do you say|how to spell|another word for|synonym for|"
    r"the word|meaning of|define|opposite of)\b"
    r"|\b(?:no clue|no idea|don't know|dunno|not sure|can't tell|can't say|idk) (?:what|how) (?:i'm|i am|im|i) "
    r"(?:feel|feeling)\b"
    r"|\bcan't put (?:a name|my finger|words) (?:on|to) (?:it|what i feel|how i feel)"
    # a question about someone else's feelings, with nothing of the writer's own in it:
    # "what makes you happy?", "how do you deal with stress", "are you tired of it too"
    r"|^(?!.*\b(?:i|i'm|im|me|my|myself|i've|i'd|i'll|mine)\b)(?:what|what's|whats|how|why|when|who|which|do|does|"
    r"are|is|did|have|has|can|could|would|will)\b.*\b(?:you|your|u|ur|y'all|yall|people)\b"
    # someone else's mood, with nothing of the writer's own after it: "he's tired of his old car",
    # "my sister is stressed about her exams", "the kids were bored so we left" is the writer's too
    r"|^(?:he|she|they|he's|she's|they're|hes|shes|theyre|(?:my|our|his|her|their) "
    r"(?!(?:whole |poor |tired |aching )?(?:heart|brain|body|legs|eyes|head|mind|soul|feet|back|arms|bones|"
    r"muscles|face|hands|self)\b)(?:\w+ )?\w+)"
    r"(?: is| was| are| were| gets| got| seems| seemed| feels| felt| looks| looked|'s)?"
    r"(?: always| never| usually| often| constantly| still| getting| gets| gonna be| going to be| so| really| very|"
    r" super| kinda| a bit| pretty| quite| totally| completely| extremely| absolutely| proper| well)* "
    r"(?:tired|bored|stressed|sad|lonely|angry|mad|upset|happy|excited|worried|anxious|nervous|exhausted|annoyed|"
    r"grumpy|cranky|depressed|down|lonley|tierd|stresed|boerd|furious|livid|fuming|miserable|scared|frustrated|"
    r"heartbroken|ecstatic|thrilled|overwhelmed|sleepy|knackered|shattered|cross|pissed|jealous|homesick|cheerful|"
    r"glad|proud|chuffed|stoked|hyped|pumped|moody|irritable|restless|fed up|buzzing|delighted|gutted|lonely|"
    r"worn out|burnt out|burned out|miffed|salty|tetchy|snappy|stroppy|chirpy|bubbly|giddy)\b"
    # ...though the writer may still speak, as a helper or a bystander: "how do i help her",
    # "i don't care either way", "what should i say to him"
    r"(?!.*\b(?:i|i'm|im|me|myself|i've|i'd|we|us)\b(?! (?:don't care|dont care|do not care|couldn't care|"
    r"could care|help|cheer|support|comfort|say|tell|get|make|talk|should|can|could)(?![\w'])))"
    # a greeting or congratulations to someone else: "congrats on the new job dude"
    r"|^(?:congrats|congratulations|congratz|grats|well done|happy birthday|happy bday|happy anniversary|"
    r"good luck|best of luck)\b(?!.*\b(?:i|i'm|im|me|myself|i've|i'd)\b)"
    # "i feel like a coffee", "in the mood for chinese": wanting food is no mood
    r"|\b(?:feel like|feel like having|fancy|in the mood for|craving)(?: a| an| some| having| eating| getting)? "
    r"(?:coffee|tea|pizza|pasta|burger|burgers|chips|fries|sushi|curry|chinese|indian|thai|mexican|tacos|noodles|"
    r"cake|ice cream|chocolate|beer|wine|pint|drink|snack|kebab|sandwich|toast|pancakes|takeaway|takeout|"
    r"a walk|a nap|a bath|a film|a movie|a takeaway|breakfast|lunch|dinner|dessert|soup|salad|steak|ramen)\b"
)


def not_about_me(text: str) -> bool:
    return bool(_NOT_ABOUT_ME.search(normalise(text)))
