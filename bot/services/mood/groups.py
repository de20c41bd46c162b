"""Groups of words that tell of the same kind of thing, as extra features for the classifier.

The example corpus cannot hold every word a member might use for a loss, a win or a long
night: "my scooter got nicked" and "someone swiped my bike" share no word. Each group below
adds one feature ("g:loss") wherever any of its words appears, so what the corpus teaches
about the words it has carries over to the group's words it lacks. The groups say nothing
about a mood themselves: which moods a group leans to is learned from the examples, like any
other feature.
"""

from __future__ import annotations

from functools import cache

from bot.services.mood.text import stem

# Each group's words as written; they are matched by stem, like the cue words.
GROUPS: dict[str, str] = {
    # something lost, broken, taken or gone wrong
    "loss": """lost lose losing broke broken break smashed cracked shattered stolen stole nicked swiped robbed
        burgled mugged pickpocketed died dead passed crashed ruined spilled spilt dropped flooded leaking leaked
        burst totalled totaled scratched dented wrecked deleted corrupted wiped punctured bricked drowned
        bust busted snapped torn ripped stained rotten mouldy moldy melted burnt fried shrunk jammed stuck
        tow towed clamped declined soaked drenched bounced overdrawn evicted repossessed
        keyed reversed totalled scuffed chipped cracked misplaced""",
    # a setback: not chosen, not passed, let go
    "setback": """failed fail failing flunked rejected rejection dumped fired sacked laid redundant cancelled
        canceled denied refused lost missed cut benched dropped ghosted unmatched blocked unfollowed
        waitlisted declined postponed scrapped relegated eliminated knocked""",
    # a win, a result, an arrival: news that tends to be good
    "win": """won win winning wins passed aced nailed smashed accepted hired promoted promotion raise bonus
        engaged proposed married wedding pregnant born adopted offer scholarship graduated graduating graduation
        beat record pb award awarded prize medal trophy licence license approved published selected chosen
        cleared healed recovered remission tickets surprise gift lottery jackpot champion champions title
        qualified signed funded sold milestone debut finished completed unlocked levelled leveled clutch
        victory podium shortlisted interview offered admitted keys mortgage
        upgraded payrise rise pb harvest ripe hatched clear remission discharged reunited soldout freebie refund
        found returned completed exchanged closed homecoming""",
    # people and company: the words loneliness is said with
    "people": """nobody noone everyone everybody anyone anybody friends friend mates mate family kids partner
        wife husband girlfriend boyfriend roommate flatmate neighbours neighbors people company group chat
        squad crew guys""",
    # being on one's own, apart, unanswered
    "apart": """alone myself solo empty away abroad moved left without ghosted unread ignored forgotten
        excluded outside invite invited uninvited plans quiet silent silence distance miles apart single
        widowed widow divorced visit visits visiting replied reply replies texted text texts calls""",
    # nothing happening, waiting, the same again
    "idle": """nothing zero same again scrolling scroll staring ceiling waiting wait queue hold hours forever
        rain raining rerun reruns repeat refresh refreshing lecture dull loading buffering rewatching
        rewatch idle endless slow drag dragging minutes clock
        webinar seminar meeting meetings spreadsheet spreadsheets admin filing timesheet powerpoint induction
        orientation maintenance delayed delay layover waiting room grind grinding reruns channel channels""",
    # pressure: things due and things piling up
    "pressure": """deadline deadlines due exam exams test tests interview presentation pile piles piling behind
        overdue bills rent tax taxes audit assignment assignments essay essays coursework inspection cram
        cramming workload inbox emails tomorrow tonight finals dissertation thesis review appraisal quota
        budget debt loan mortgage invoice invoices paperwork forms viva
        slides deck pitch submission submit finish""",
    # long hours, little sleep, hard work on the body
    "hours": """2am 3am 4am 5am 6am 1am midnight night nights shift shifts double overtime awake slept sleep
        sleeping yawning yawn coffee caffeine nap bed early alarm newborn teething insomnia marathon gym
        workout hike legs feet muscles sore aching ache ached hours overnight allnighter nightshift
        commute lambing calving feeds jetlag redeye doubles sleepless steps miles walked hiked raid
        sightseeing nonstop""",
    # being wronged, or something infuriating done again
    "wronged": """rude scam scammed overcharged charged blamed lied lying liar cheat cheated cheating cheater
        cheaters hacker hackers hacking camping toxic troll trolling trolls threw throwing banned unfair
        interrupting interrupted slammed blasting loud noise delayed delay lag lagging spam spammed
        stealing ignoring stood late again ripped rigged robbed tailgating honked honking cut skipped
        jumped spoiled spoilers afk quit quitter quitting leaver leavers griefing griefed feeding
        keyed shouted yelled kicked barking disconnected disconnecting dropping buffering
        hogging pushed smirked nerfed overcharging dodged ignored""",
    # a death or a goodbye for good: grief without a feeling word
    "grief": """funeral funerals hospice ashes grave graves memorial wake urn eulogy condolences miscarriage
        bereavement mourning passed passing died dying euthanised euthanized goodbye goodbyes anniversary
        headstone cemetery obituary""",
    # waiting on news that matters: health, work, money
    "worry": """hospital vet biopsy scan scans results surgery operation ambulance diagnosis ward icu
        layoffs redundancies redundancy restructure restructuring eviction bailiff bailiffs court lawyer
        verdict visa appeal custody lump symptoms tribunal hmrc irs letter summons fine""",
    # being ill, or looking after someone who is
    "ill": """flu fever covid cold sick poorly vomiting vomit bug migraine temperature infection chickenpox
        norovirus tonsillitis cough coughing sneezing antibiotics bedridden""",
    # time out and treats: days out, trips, the small pleasures news of a good day is made of
    "treat": """beach seaside picnic park zoo barbecue bbq holiday vacation trip festival concert gig
        sunshine sunny swim swimming pool icecream brunch party fair museum aquarium camping roadtrip
        cuddles cuddle puppy kitten garden bonfire fireworks""",
}


@cache
def group_of() -> dict[str, tuple[str, ...]]:
    """For each word stem, the groups it belongs to."""
    out: dict[str, list[str]] = {}
    for name, words in GROUPS.items():
        for word in words.split():
            key = stem(word)
            if name not in out.setdefault(key, []):
                out[key].append(name)
    return {key: tuple(names) for key, names in out.items()}
