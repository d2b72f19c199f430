#!/usr/bin/env python3
"""Generate the synthetic redaction evaluation corpus (deterministic, seeded).

Every person, phone, address and number here is synthetic. Phones use Ofcom's drama ranges where
possible (07700 900xxx, 020 7946 0xxx, 0117 496 0xxx, 0161 496 0xxx, 01632 960xxx), plus other
made-up mobiles; NHS numbers are random with a valid mod-11 check digit; NI numbers have random
valid prefixes.

Output: one JSON object per line, {"id", "text", "entities": [{"start","end","label"}]}, offsets in
Unicode code points (Python str indices), end exclusive. Gold conventions:
  - NAME covers the name only: no title ("Mr"), no possessive "'s".
  - ADDRESS covers "[Flat N, ]number street suffix[, Town]"; a following postcode is its own POSTCODE.
  - AGE_LOCATION covers the age phrase through the place ("15-year-old from Hartcliffe").
  - ORGANISATION covers the whole name ("St Mary's Primary School").
  - DATE covers the date expression without a weekday.

Usage: python3 Scripts/gen-redaction-corpus.py [--seed 20261125] [--count 360] [--out eval/redaction/corpus.jsonl]
"""
import argparse
import json
import random

# Names: a mix of names the shipped gazetteer knows and names it does not, so that context rules
# are exercised honestly (the detector does not read this file).
FIRST = """Amira Tayo Grace Hope Will Mark Kezia Oliver Jack Harry Priya Fatima Zainab Aisha Mohammed Yusuf Callum
Chloe Megan Bethany Liam Connor Kieran Jade Shannon Tyler Reece Ellie Maisie Ruby Freya Isla Aoife Siobhan Ciaran Rhys
Carys Osian Gethin Eilidh Mhairi Hamish Olumide Chidi Ngozi Kwame Abena Femi Temi Agnieszka Piotr Kasia Bartosz
Andreea Ionut Mehmet Elif Hamza Bilal Sana Harpreet Gurpreet Jaspreet Rohan Arjun Anjali Deepa Nisha Sipho Tendai
Hodan Abdi Faduma Ayaan Nevaeh Keziah Elowen Jago Lowenna Merryn Tiegan Brogan Kacey Lorcan Eabha Ruairi Caelan
Thandiwe Chiedza Oluchi Wiktor Radoslaw Anwen Ffion Mared Zephyr Marisol Ottoline Sunny Frank Rose May June Faith
Joy Holly Summer Bill Pat Dawn Ray Jasmine Poppy Daisy Skye River Ivy""".split()
# Names that are also ordinary words: used as names only in name positions.
WORDLIKE = {"Grace", "Hope", "Will", "Mark", "Sunny", "Frank", "Rose", "May", "June", "Faith", "Joy", "Holly", "Summer",
            "Bill", "Pat", "Dawn", "Ray", "Jasmine", "Poppy", "Daisy", "Skye", "River", "Ivy"}
LAST = """Okonkwo Adeyemi Khan Patel Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Roberts Walker
Wright Hughes Green Hall Lewis Clarke Jackson Wood Turner Cooper Hill Ward Morris Moore King Baker Harrison Morgan
Murphy Kelly O'Neill McDonald Campbell Stewart Fraser Kowalski Nowak Wisniewska Popescu Yilmaz Hussain Begum Akhtar
Chowdhury Sandhu Dhillon Gill Kaur Singh Mensah Owusu Boateng Kamara Diallo Abdi Farah Warsame Nguyen Chen Wong
Trelawny Pengelly Ashdown Fairweather Oyelaran Blackwood Thistlewood Quarshie Nwachukwu Harcourt Featherstone
Llewellyn Pritchard Gwilliam Mackintosh Dunbar Corrigan Brennan Ferreira Santos Rossi Ivanova Baptiste""".split()
RELATIONS = ["brother", "sister", "friend", "best friend", "boyfriend", "girlfriend", "cousin", "stepdad", "uncle",
             "aunt", "partner", "neighbour", "nan", "ex", "classmate", "teacher", "social worker", "key worker"]
TITLES = ["Mr", "Mrs", "Ms", "Miss", "Dr"]
PLACES = """Hartcliffe Filton Bedminster Southmead Easton Knowle Swindon Reading Luton Walsall Rotherham Barnsley
Wigan Stockport Gateshead Llanelli Paisley Dundee Taunton Yeovil Crawley Gillingham Wrexham Rhyl Carlisle Kendal
Lowestoft Grimsby Scunthorpe Mansfield Redditch Halifax Keighley Burnley Accrington Oldham Rochdale Bootle""".split()
TOWNS = """Bristol Leeds Manchester Birmingham Cardiff Glasgow Sheffield Leicester Coventry Nottingham Newport
Swansea Plymouth Exeter Norwich Derby Bradford Sunderland Wolverhampton Southampton Portsmouth""".split()
STREET_NAMES = """Acacia Elm Oak Station Church Mill Victoria Albert Queens Kings Park Chestnut Willow Beech
Hawthorn Rowan Meadow Orchard Brook Hillside Greenbank Ashley Gloucester Cheltenham Stapleton Whiteladies
Coronation Jubilee Fairfield Linden Sycamore Hazel Laburnum Primrose Bluebell Marigold Cromwell Nelson""".split()
SUFFIXES = ["Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent", "Terrace", "Grove", "Gardens",
            "Place", "Court", "Mews", "Walk", "Rise", "Square"]
SAINTS = ["Mary's", "John's", "Peter's", "Michael's", "Anne's", "Joseph's", "Bede's", "Teresa's", "Patrick's", "Chad's"]
ORG_STEMS = """Oakfield Brookside Hillcrest Meadowbank Ashton Kingsway Riverside Westfield Highfield Greenway
Fairlawn Redland Cotham Hengrove Withywood Bishopsworth Longcross Parkside Millbrook Hollyoak""".split()

FILLER = [
    "We talked about how the week had gone and what felt hardest.",
    "Client described feeling low most mornings but better by the afternoon.",
    "Mum came to the first ten minutes and then waited outside.",
    "Dad is working nights again, which has made evenings tense at home.",
    "The GP has agreed to review the medication next month.",
    "A referral to CAMHS was discussed; client is unsure about the waiting list.",
    "Session held over Teams because of the train strike.",
    "She said she will try the breathing exercise before bed.",
    "I hope the new routine helps with sleep.",
    "Client spoke about the grace period for the college fee.",
    "We agreed to mark progress on the chart each week.",
    "Autism assessment is still pending; the ADHD diagnosis came last year.",
    "English is going well but maths feels overwhelming in Year 9.",
    "Christmas was difficult this year, and Eid was a bit easier.",
    "Diwali celebrations at home were a good distraction.",
    "Next session on Tuesday at 4pm, same room.",
    "Monday and Wednesday are the hardest days, client says.",
    "In March things felt more settled; by June the worries had returned.",
    "Will review the safety plan next week.",
    "Hope this pattern continues over the summer holidays.",
    "May need a letter for school about exam access arrangements.",
    "Mark as follow-up: check in about the sleep diary.",
    "The family are fasting during Ramadan, so sessions moved to the morning.",
    "He rated his mood as 6/10, up from 4/10 last time.",
    "We used the feelings wheel for about 20 minutes.",
    "Client felt anxious on the bus and left early on Friday.",
    "No safeguarding concerns raised today.",
    "She wants to talk about friendships and fitting in at school.",
    "Worries about exams in May and June came up again.",
    "He has started going to football on Saturdays again.",
    "Talked through what to do if panic starts in class.",
    "Homework: notice three good moments each day.",
    "The counsellor and client agreed goals for the next six weeks.",
    "Client was tearful when talking about Nan's illness.",
    "Grandad visits on Sundays, which client looks forward to.",
    "School nurse suggested a quiet space at lunchtime.",
    "Client is reading a lot of fantasy books at the moment.",
    "Social media has been making things worse, client thinks.",
    "We practised grounding using the five senses.",
    "Ended the session with a short relaxation exercise.",
    "Client said the Easter holidays felt long and lonely.",
    "The SENCO has been helpful about the timetable.",
    "Autumn term starts soon and client feels nervous.",
    "Client hopes to get a Saturday job in the new year.",
    "Sleep is better: about seven hours most nights.",
    "They were worried about the cost of living and the heating bill.",
    "The court date was postponed; client relieved.",
    "Client keeps a journal and brought it today.",
    "Attendance has improved to about 85 percent.",
    "Appointment letter from the hospital arrived last week.",
    "Client plays the guitar and finds it calming.",
    "It will take time, and that is okay.",
    "Brother and sister get on better since the move.",
    "Client said her faith is a big source of strength.",
    "We spoke about joy and what brings it.",
    "Dawn is the worst time, she said, when the house is quiet.",
    "Client uses WhatsApp to keep in touch with family abroad.",
    "Half term was spent mostly indoors.",
    "Client wants to study Biology and Chemistry at sixth form.",
    "Thursday sessions work better than Mondays.",
]

CLEAN_EXTRA = [
    "Client is Polish and speaks English at school and Polish at home.",
    "The Year 11 mocks are in January.",
    "Universal Credit payment was late again.",
    "Client felt the PE teacher was fair about it.",
    "Reviewed the EHCP targets together.",
    "Bonfire night was loud and upsetting for the dog.",
    "Session 4 of 8.",
    "Score on the questionnaire was 14, similar to last time.",
    "Client arrived 10 minutes late and apologised.",
    "We will mark the end of the sessions with a review.",
]


def nhs_number(rng):
    while True:
        d = [rng.randint(4, 9)] + [rng.randint(0, 9) for _ in range(8)]
        s = sum(d[k] * (10 - k) for k in range(9))
        c = 11 - s % 11
        if c == 11:
            c = 0
        if c == 10:
            continue
        d.append(c)
        return "".join(map(str, d))


def fmt_nhs(rng, n):
    return rng.choice([f"{n[:3]} {n[3:6]} {n[6:]}", n, f"{n[:3]}-{n[3:6]}-{n[6:]}"])


def ni_number(rng):
    bad_first, bad_second = set("DFIQUV"), set("DFIQUVO")
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    while True:
        a, b = rng.choice(letters), rng.choice(letters)
        if a in bad_first or b in bad_second or a + b in {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}:
            continue
        digits = "".join(str(rng.randint(0, 9)) for _ in range(6))
        suffix = rng.choice("ABCD")
        return rng.choice([f"{a}{b}{digits}{suffix}", f"{a}{b} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}",
                           f"{a}{b}{digits}"])


def phone(rng):
    x = lambda n: "".join(str(rng.randint(0, 9)) for _ in range(n))
    mob = "7" + rng.choice(["700 900", "957 2", "911 1", "825 4", "412 6"]).replace(" ", "")
    mob = (mob + x(10))[:10]
    return rng.choice([
        f"0{mob[:4]} {mob[4:]}", f"0{mob}", f"+44 {mob[:4]} {mob[4:]}", f"+44{mob}", f"0{mob[:4]}-{mob[4:7]}-{mob[7:]}",
        f"0{mob[:4]}.{mob[4:7]}.{mob[7:]}", f"020 7946 0{x(3)}", f"(0117) 496 0{x(3)}", f"0117 496 0{x(3)}",
        f"0161 496 0{x(3)}", f"+44 (0)20 7946 0{x(3)}", f"01632 960{x(3)}", f"0{mob[:4]} {mob[4:7]} {mob[7:]}",
        f"+353 87 {x(3)} {x(4)}", f"+48 {x(3)} {x(3)} {x(3)}",
    ])


def postcode(rng):
    L = "ABCDEFGHJKLMNOPRSTUWYZ"
    inward_letters = "ABDEFGHJLNPQRSTUWXYZ"
    outward = rng.choice([
        lambda: rng.choice(["BS", "LS", "CF", "NE", "EH", "SE", "NW", "WF", "HU", "DN", "TS", "PL", "EX", "NG", "LE"]) + str(rng.randint(1, 20)),
        lambda: rng.choice(["M", "B", "L", "G", "S", "E", "N"]) + str(rng.randint(1, 40)),
        lambda: rng.choice(["SW1A", "W1A", "EC1A", "WC2H", "E1W", "N1C"]),
    ])()
    inward = str(rng.randint(0, 9)) + rng.choice(inward_letters) + rng.choice(inward_letters)
    pc = rng.choice([f"{outward} {inward}", f"{outward} {inward}", f"{outward}{inward}"])
    return pc.lower() if rng.random() < 0.1 else pc


def date_expr(rng):
    d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1975, 2024)
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December"]
    short = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"]
    suf = "th" if 11 <= d <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")
    return rng.choice([
        f"{d:02d}/{m:02d}/{y}", f"{d}/{m}/{y}", f"{d} {months[m-1]} {y}", f"{d}{suf} {months[m-1]}",
        f"{months[m-1]} {d}{suf}", f"{d}{suf} of {months[m-1]} {y}", f"{y}-{m:02d}-{d:02d}", f"{d}.{m}.{str(y)[2:]}",
        f"{d} {short[m-1]} {y}", f"{months[m-1]} {d}, {y}",
    ])


class Note:
    def __init__(self):
        self.text = ""
        self.entities = []

    def add(self, s):
        self.text += s

    def ent(self, s, label):
        start = len(self.text)
        self.text += s
        self.entities.append({"start": start, "end": len(self.text), "label": label})


def person(rng, wordlike_ok=True):
    pool = FIRST if wordlike_ok else [f for f in FIRST if f not in WORDLIKE]
    return rng.choice(pool), rng.choice(LAST)


def org(rng):
    stem, place = rng.choice(ORG_STEMS), rng.choice(PLACES + TOWNS)
    return rng.choice([
        f"{stem} Primary School", f"St {rng.choice(SAINTS)} Primary", f"{stem} Academy", f"{stem} High School",
        f"{place} Royal Infirmary", f"{place} General Hospital", f"{stem} Medical Centre", f"{place} College",
        f"University of {rng.choice(TOWNS)}", f"{stem} Community Church", f"{stem} Youth Club",
        f"St {rng.choice(SAINTS)} Catholic School", f"{stem} Boxing Club", f"{place} Sixth Form College",
    ])


def address(rng, n):
    num = str(rng.randint(1, 240)) + (rng.choice(["a", "b", ""]) if rng.random() < 0.15 else "")
    street = f"{rng.choice(STREET_NAMES)} {rng.choice(SUFFIXES)}"
    core = f"{num} {street}"
    if rng.random() < 0.25:
        core = f"Flat {rng.randint(1, 30)}, {core}"
    town = rng.random() < 0.5
    if town:
        core += f", {rng.choice(TOWNS)}"
    n.ent(core, "ADDRESS")
    if rng.random() < 0.5:
        n.add(" " if town or rng.random() < 0.5 else ", ")
        n.ent(postcode(rng), "POSTCODE")


# Each identifier template writes into a Note. Names appear in varied positions and forms.
def t_said(n, rng):
    f, _ = person(rng)
    n.ent(f, "NAME"); n.add(rng.choice([" said she has been", " told me he is", " mentioned they were", " explained that she felt"]))
    n.add(rng.choice([" struggling with sleep.", " worried about school.", " feeling calmer.", " angry with everyone."]))

def t_relation(n, rng):
    f, _ = person(rng)
    n.add(rng.choice(["Client's ", "Her ", "His ", "Their "]) + rng.choice(RELATIONS) + " ")
    n.ent(f, "NAME"); n.add(rng.choice([" has been in trouble at school.", " moved out last month.", " is very supportive.", " came along today."]))

def t_full(n, rng):
    f, l = person(rng, wordlike_ok=False)
    n.add(rng.choice(["Met with ", "Spoke to ", "Phone call with ", "Session with "]))
    n.ent(f"{f} {l}", "NAME"); n.add(rng.choice([" about the housing situation.", " today.", " regarding the referral.", "."]))

def t_title(n, rng):
    _, l = person(rng)
    n.add(rng.choice(["Spoke with ", "Letter from ", "Client's form tutor ", "Consultant "]) + rng.choice(TITLES) + " ")
    n.ent(l, "NAME"); n.add(rng.choice([" who is concerned.", " at the clinic.", " about attendance.", "."]))

def t_possessive(n, rng):
    f, _ = person(rng, wordlike_ok=False)
    n.ent(f, "NAME"); n.add(rng.choice(["'s mum called to cancel.", "'s sister is pregnant.", "’s mood has improved.", "'s exams start soon."]))

def t_lower(n, rng):
    f, _ = person(rng, wordlike_ok=False)
    n.add(rng.choice(["spoke with ", "session with ", "met ", "call from "]))
    n.ent(f.lower(), "NAME"); n.add(rng.choice([" about the week.", " - went ok.", " today, brief.", "."]))

def t_wordlike(n, rng):
    f = rng.choice(sorted(WORDLIKE))
    n.add(rng.choice(["Her friend ", "Saw ", "Client's cousin ", "Later, "]))
    n.ent(f, "NAME"); n.add(rng.choice([" said it was fine.", " told staff about the fight.", " has been a good support.", " rang the office."]))

def t_two(n, rng):
    a, _ = person(rng, wordlike_ok=False); b, _ = person(rng, wordlike_ok=False)
    n.add("Talked about ")
    n.ent(a, "NAME"); n.add(" and "); n.ent(b, "NAME"); n.add(rng.choice([" falling out.", " at the party.", " from the group chat."]))

def t_phone(n, rng):
    n.add(rng.choice(["Client's new number is ", "Mum can be reached on ", "Call back on ", "Left a voicemail on ", "Contact: "]))
    n.ent(phone(rng), "PHONE"); n.add(rng.choice([".", " if needed.", " after 5pm."]))

def t_email(n, rng):
    f, l = person(rng)
    user = rng.choice([f"{f}.{l}", f"{f}{rng.randint(1,99)}", f"{f[0]}{l}", f"{f}_{l}"]).lower().replace("'", "")
    dom = rng.choice(["gmail.com", "hotmail.co.uk", "outlook.com", "yahoo.co.uk", "icloud.com", "btinternet.com"])
    n.add(rng.choice(["Email: ", "Her email is ", "Send the letter to ", "Contact via "]))
    n.ent(f"{user}@{dom}", "EMAIL"); n.add(rng.choice([".", " please."]))

def t_url(n, rng):
    f, l = person(rng)
    u = rng.choice([f"https://www.facebook.com/{f.lower()}.{l.lower()}", f"www.gofundme.com/f/help-{f.lower()}",
                    f"https://instagram.com/{f.lower()}{rng.randint(1,99)}", f"justgiving.com/{f.lower()}-{l.lower()}",
                    f"http://{l.lower()}family.co.uk"]).replace("'", "")
    n.add(rng.choice(["Client shared ", "There is a page at ", "See "]))
    n.ent(u, "URL"); n.add(rng.choice([".", " for details."]))

def t_handle(n, rng):
    f, _ = person(rng)
    h = f"@{f.lower()}{rng.choice(['_', '.', ''])}{rng.randint(1, 2009)}"
    n.add(rng.choice(["Someone messaged from ", "Her TikTok is ", "Blocked ", "Instagram account "]))
    n.ent(h, "HANDLE"); n.add(rng.choice([" after the argument.", ".", " on Snapchat."]))

def t_address(n, rng):
    n.add(rng.choice(["Client now lives at ", "New address: ", "Moved to ", "Home visit at "]))
    address(rng, n); n.add(".")

def t_street(n, rng):
    n.add(rng.choice(["She walks home along ", "The fight happened on ", "Family lives off "]))
    n.ent(f"{rng.choice(STREET_NAMES)} {rng.choice(['Road', 'Street', 'Lane', 'Avenue', 'Close', 'Drive'])}", "ADDRESS"); n.add(".")

def t_postcode(n, rng):
    n.add(rng.choice(["Postcode ", "Lives in the ", "Moved to "]))
    n.ent(postcode(rng), "POSTCODE"); n.add(rng.choice([" area.", ".", " last week."]))

def t_nhs(n, rng):
    n.add(rng.choice(["NHS number ", "NHS no. ", "NHS: ", "GP letter quotes NHS number "]))
    n.ent(fmt_nhs(rng, nhs_number(rng)), "NHS_NUMBER"); n.add(".")

def t_ni(n, rng):
    n.add(rng.choice(["NI number ", "National Insurance: ", "NINO "]))
    n.ent(ni_number(rng), "NI_NUMBER"); n.add(rng.choice([".", " for the benefits form."]))

def t_date(n, rng):
    n.add(rng.choice(["DOB ", "Date of birth: ", "Born ", "Court hearing on ", "Client's birthday is ", "Assessment booked for "]))
    n.ent(date_expr(rng), "DATE"); n.add(".")

def t_org(n, rng):
    n.add(rng.choice(["Client attends ", "Referred by ", "Mum works at ", "She was seen at ", "He goes to "]))
    n.ent(org(rng), "ORGANISATION"); n.add(rng.choice([".", " since September.", " twice a week."]))

def t_age(n, rng):
    age, place = rng.randint(9, 19), rng.choice(PLACES)
    n.add(rng.choice(["Client is a ", "Referral for a ", "New client: a "]))
    n.ent(rng.choice([f"{age}-year-old from {place}", f"{age} year old girl from {place}", f"{age}-year-old boy living in {place}"]), "AGE_LOCATION")
    n.add(".")

def t_age2(n, rng):
    age, place = rng.randint(9, 19), rng.choice(PLACES)
    n.add("Client, ")
    n.ent(f"aged {age}, from {place}", "AGE_LOCATION"); n.add(", self-referred.")

def t_combo(n, rng):
    f, l = person(rng, wordlike_ok=False)
    n.ent(f, "NAME"); n.add(" rang from "); n.ent(phone(rng), "PHONE"); n.add(" asking for "); n.add(rng.choice(TITLES) + " ")
    n.ent(l, "NAME"); n.add(".")

def t_nickname(n, rng):
    nick = rng.choice(["Jonno", "Bex", "Kaz", "Macca", "Lils", "Gaz", "Shaz", "Robbo", "Tash", "Izzy", "Benji", "Dazza"])
    n.add(rng.choice(["Her mate ", "His friend ", "Client's boyfriend "]))
    n.ent(nick, "NAME"); n.add(rng.choice([" keeps texting her.", " was there too.", " has been a bad influence."]))

def t_bullets(n, rng):
    a, _ = person(rng, wordlike_ok=False); b, _ = person(rng, wordlike_ok=False)
    n.add("- Present: "); n.ent(a, "NAME"); n.add(" (client), "); n.ent(b, "NAME"); n.add(f" ({rng.choice(RELATIONS)}).")

def t_staff_call(n, rng):
    _, l = person(rng)
    n.add(rng.choice(TITLES) + " "); n.ent(l, "NAME"); n.add(" from "); n.ent(org(rng), "ORGANISATION")
    n.add(rng.choice([" called about attendance.", " emailed the referral.", " wants a meeting."]))

def t_dob_line(n, rng):
    n.add("DOB: "); n.ent(date_expr(rng), "DATE"); n.add(" | NHS: "); n.ent(fmt_nhs(rng, nhs_number(rng)), "NHS_NUMBER"); n.add(".")

def t_lower_full(n, rng):
    f, l = person(rng, wordlike_ok=False)
    n.ent(f"{f} {l}".lower(), "NAME"); n.add(rng.choice([" came in late.", " - no show.", " seemed ok today."]))

def t_initial(n, rng):
    f, l = person(rng, wordlike_ok=False)
    n.add(rng.choice(["Call from ", "Met ", "Email from "])); n.ent(f"{f} {l[0]}.", "NAME"); n.add(rng.choice([" re: housing", " about school"]) + ".")

def t_handle_noat(n, rng):
    f, _ = person(rng)
    n.add(rng.choice(["Her snap is ", "Insta: ", "His TikTok name is "]))
    n.ent(f"{f.lower()}{rng.choice(['_', '.', '_x'])}{rng.randint(1, 2010)}", "HANDLE"); n.add(".")

def t_district(n, rng):
    n.add(rng.choice(["Family moved to the ", "Lives in the "]))
    n.ent(rng.choice(["BS5", "BS13", "LS6", "M14", "CF24", "NE6", "EH11", "SE15", "NW10", "B21"]), "POSTCODE"); n.add(" area.")

def t_age_comma(n, rng):
    f, _ = person(rng, wordlike_ok=False)
    n.ent(f, "NAME"); n.add(", "); n.ent(f"{rng.randint(9, 19)}, from {rng.choice(PLACES)}", "AGE_LOCATION")
    n.add(rng.choice([", was referred by school.", ", self-referred."]))

def t_text_msg(n, rng):
    f, _ = person(rng, wordlike_ok=False)
    n.add("Texted "); n.ent(f, "NAME"); n.add(" on "); n.ent(phone(rng), "PHONE"); n.add(" to confirm Thursday.")

TEMPLATES = [t_said, t_relation, t_full, t_title, t_possessive, t_lower, t_wordlike, t_two, t_phone, t_email, t_url,
             t_handle, t_address, t_street, t_postcode, t_nhs, t_ni, t_date, t_org, t_age, t_age2, t_combo, t_nickname,
             t_bullets, t_staff_call, t_dob_line, t_lower_full, t_initial, t_handle_noat, t_district, t_age_comma, t_text_msg]
WEIGHTS = [8, 8, 7, 5, 4, 3, 4, 3, 7, 4, 2, 3, 5, 2, 3, 3, 3, 5, 5, 2, 1, 3, 2, 2, 3, 2, 2, 2, 2, 1, 2, 2]


def make_note(rng, clean):
    n = Note()
    k = rng.randint(2, 5)
    fillers = rng.sample(FILLER + CLEAN_EXTRA, k)
    if clean:
        for s in fillers:
            n.add(s + " ")
    else:
        ids = rng.choices(TEMPLATES, WEIGHTS, k=rng.randint(1, 3))
        order = fillers[: max(1, k - 1)]
        slots = sorted(rng.sample(range(len(order) + len(ids)), len(ids)))
        fi = ii = 0
        for pos in range(len(order) + len(ids)):
            if ii < len(ids) and pos == slots[ii]:
                ids[ii](n, rng); n.add(" "); ii += 1
            else:
                n.add(order[fi] + " "); fi += 1
    n.text = n.text.rstrip()
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--count", type=int, default=400)
    ap.add_argument("--out", default="eval/redaction/corpus.jsonl")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    with open(a.out, "w", encoding="utf-8") as f:
        for i in range(a.count):
            clean = i % 10 < 3  # 30% identifier-free
            n = make_note(rng, clean)
            for e in n.entities:
                assert n.text[e["start"]:e["end"]].strip() == n.text[e["start"]:e["end"]]
            f.write(json.dumps({"id": f"n{i:04d}", "text": n.text, "entities": n.entities}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
