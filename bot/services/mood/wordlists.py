"""Word lists the cue lexicon (``lexicon.py``) reads by: real words that are never typos, fixed
expressions that carry no mood, and the things a mood word can describe instead of a feeling."""

from __future__ import annotations

# Real words one typo away from a cue word, which must not be "corrected" into it
# ("I tried", "my tires", "a board game"). Words in the example corpus are known anyway;
# these are the near misses it does not happen to contain.
NOT_TYPOS = frozenset({
    "tried", "tries", "tire", "tires", "tier", "tiered", "timed", "hired", "wired", "fired", "board", "boards",
    "bore", "bares", "bared", "barred", "bred", "brew", "sand", "said", "sadly", "side", "safe", "made", "maid",
    "mode", "dad", "mid", "glade", "grade", "grad", "great", "greet", "treat", "hippy", "happen",
    "hoppy", "lovely", "lonely", "lowly", "longer", "loner", "alive", "along", "atone", "stone", "tressed",
    "dressed", "pressed", "stresses", "angrily", "hungry", "hunger", "anger", "tied", "tiled", "tidy", "tiredly",
    "hurts", "burnt", "hunt", "hut", "hurl", "cried", "dry", "cray", "fumes", "fuming", "mood", "moody",
    "boned", "bonded", "bird", "bard", "bold", "bond", "brood", "pumped", "pumps", "pump", "stoke", "stoker",
    "hype", "glads", "gold", "goal", "load", "annoy", "rag", "rate", "race", "raged", "page", "sage", "wage",
    "cage", "dull", "doll", "dell", "meg", "men", "met", "mean", "sob", "sub", "sod", "sadder", "saddest",
    "madder", "maddest", "fed", "feed",
    "nap", "nab", "nape", "map", "tap", "rap", "lap", "cap", "gap", "yawn", "dawn", "lawn", "fawn", "awe",
    "done", "dine", "dune", "bone", "gone", "lone", "alone", "owned", "blue", "glue", "clue", "true", "due",
    "cute", "mute", "lute", "hell", "help", "held", "hall", "well", "sell", "tell", "bell", "cell", "fell",
})

# Fixed expressions that use a mood word and carry no mood ("happy hour starts at 5", "happy
# birthday, Sam!"): matched like cues, they take their words and count for nothing.
FIXED_EXPRESSIONS = (
    "happy hour", "happy birthday", "happy bday", "happy new year", "happy holidays", "happy anniversary",
    "happy easter", "happy halloween", "happy thanksgiving", "happy to help", "merry christmas", "sad boi",
    "sad girl", "sad bois", "good luck", "good morning", "good night", "good afternoon", "good evening", "good game",
    "my bad", "good job", "good one", "good question", "good point", "mad libs", "mad max", "angry birds",
    "the sad thing is", "the sad part is", "sad thing is", "the sad truth", "the funny thing is", "i could cry",
    "best friend", "best friends", "best mate", "best mates", "best wishes", "all the best", "best regards",
    "best man", "best before", "best of luck", "best seller", "bestie",
    "bored ape", "bored panda", "stress test", "stress ball", "lonely planet", "happy diwali", "happy eid",
    "happy hanukkah", "happy mother's day", "happy father's day", "happy pride",
    "sleeping bag", "sleeping bags", "sleeping pills", "sleepy hollow", "mad world", "mad men", "lonely hearts",
    "angry mob", "blue cheese", "happy meal", "tired old", "dead end",
)

# Things a mood word can describe without the writer feeling it: "a sad song", "lonely
# characters", "an angry review". A one-word cue right before one of these counts for nothing.
THINGS = frozenset("""
song songs music playlist playlists tune tunes album movie movies film films book books novel novels story stories
character characters ending endings scene scenes episode episodes show shows series poem poems lyrics meal meals
emoji emojis sticker stickers gif gifs meme memes quote quotes painting paintings video videos clip clips trailer
podcast podcasts anime manga documentary article articles essay essays chapter play opera ballad ballads
joke jokes channel channels pic pics photo photos picture pictures post posts thread threads cartoon cartoons
cake cakes pie pies biscuit biscuits sandwich sandwiches salad recipe recipes face faces emoticon title titles
""".split())
# A title said after these: "a book called the grumpy ladybird", "the song is named lonely nights".
NAMING = frozenset({"called", "titled", "entitled", "named", "nicknamed"})

# Cues that also describe a broken or spent thing, and the things they are said of.
OBJECT_SENSES = frozenset({"shattered", "dead", "wrecked", "fried", "cooked", "drained", "spent", "broken",
                           "crushed", "smashed", "beat", "burnt", "flat", "done", "destroyed", "empty", "exhausted",
                           "killed", "killing", "trashed", "blown", "worn out", "worn", "worn down", "run down",
                           "falling apart", "knackered", "busted", "battered", "past it", "on its last legs"})
OBJECTS = frozenset("""
phone phones screen screens laptop laptops battery batteries car cars glass window windows vase plate plates mug
mugs cup bike tyre tyres tire tires engine tv telly console controller charger headphones keyboard mouse printer
fridge freezer oven boiler radiator kettle toaster fuse bulb lamp mirror bottle jar egg eggs cake toast pizza
plant plants flowers garden lawn crops roof fence wall door lock key keys watch camera drive disk hdd ssd server
router wifi signal app game save file files account wallet card motherboard gpu pc computer tablet speaker
shoes trainers sneakers boots jeans sofa couch mattress carpet rug brakes clutch tent jacket coat hoodie socks
sheets pillow pillows towel towels blade blades brush brushes pan pans pen pens chair chairs tyre van truck
""".split())
