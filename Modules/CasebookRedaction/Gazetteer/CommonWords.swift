// Closed word lists that steer the detectors. Lower-case, space-separated.

extension Gazetteer {
    /// Words that identify nobody and are never masked, even when capitalised: kin terms,
    /// pronouns, services, conditions, languages, calendar words, platforms, school years.
    static let nonIdentifying = """
    mum mummy mam mom dad daddy mother father parent parents nan nana nanna gran granny grandma grandmother grandad granddad
    grandpa grandfather grandparents auntie aunty aunt uncle brother sister son daughter baby child children kids kid
    stepmum stepdad stepmother stepfather stepbrother stepsister sibling siblings cousin cousins carer carers partner
    husband wife boyfriend girlfriend friend friends family foster guardian
    i me my mine we us our you your he him his she her hers they them their it its this that these those there here
    who whom whose what which when where why how all any both each every either neither none nobody someone somebody
    anyone anybody everyone everybody no not nothing something anything everything one ones another other others
    the a an and or but so if then than because although though while as at by for from in into of on onto to with
    without within about above after against along among around before behind below beneath beside between beyond
    during except inside near off out outside over past since through throughout till until up upon via
    is am are was were be been being have has had do does did done will would shall should can could may might must
    ok okay yes yeah no hi hello thanks thank please sorry well also just still even only really very quite too
    today tomorrow yesterday tonight morning afternoon evening night week weekend month year years day days time
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
    january february march april june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    christmas xmas easter eid ramadan diwali hanukkah chanukah passover vaisakhi vaisakhi holi lent advent halloween
    bonfire new boxing ramadhan navratri rosh hashanah yom kippur pentecost whitsun summer spring winter autumn half term
    gp gps nhs camhs cahms ae a&e sen senco send ehcp iep dsl dsls asd adhd add ocd ptsd bpd eupd cbt dbt emdr ipt
    autism autistic dyslexia dyspraxia asthma epilepsy diabetes depression anxiety bipolar schizophrenia anorexia bulimia
    english maths math science history geography french spanish german art music pe re ict drama biology chemistry physics
    british welsh scottish irish polish romanian somali urdu punjabi bengali arabic gujarati tamil turkish kurdish
    muslim christian hindu sikh jewish buddhist catholic islam church mosque temple gurdwara synagogue
    teams zoom whatsapp snapchat instagram insta tiktok facebook twitter youtube discord google email phone text texts
    year reception nursery primary secondary sixth form college university uni school schools academy
    police social services council housing job centre jobcentre universal credit pip dla esa benefits court probation
    doctor doctors nurse nurses teacher teachers counsellor counsellors mentor mentors worker workers staff practitioner
    client clients session sessions note notes meeting meetings plan plans goal goals referral review
    head headteacher deputy tutor form sir miss
    note summary action actions progress followup follow-up topics topic discussed agreed next plan safeguarding concern
    he's she's they're i'm it's we're you're don't didn't can't won't isn't wasn't hasn't haven't couldn't wouldn't shouldn't
    client's mum's dad's nan's
    """

    /// Note-taking abbreviations, written capitalised or in capitals at the start of a line ("Pls call",
    /// "NINO JG…", "Appt Tues").
    static let abbreviations = """
    pls plz thx tx appt appts approx asap fyi info nino dob tel mob hx dx rx tx fu f/u yp yps pt pts cyp ref refs dept
    tbc tba eta aka esp incl poss prob obvs tmrw tmw wk wks hrs mins sec secs mth mths yr yrs
    """

    /// School subjects: capitalised in notes, never people ("Art and Computing").
    static let schoolSubjects = """
    art drama music computing computer science maths math mathematics english literature language history geography
    biology chemistry physics french spanish german italian latin mandarin urdu arabic pe re rs dt ict pshe rse
    citizenship psychology sociology business economics law media photography textiles food technology design
    engineering philosophy politics statistics further health social care childcare hospitality sport
    """

    /// Titles that make the next capitalised word a name ("Mr Okafor", "Dr Lee").
    static let titles = "mr mrs ms miss mx dr prof professor sir dame lady lord rev revd reverend fr father sister brother pc dc sgt cllr councillor"

    /// Relation words that make the next capitalised word a name ("my brother Tayo", "her friend Kezia").
    static let relations = """
    brother sister friend mate bestie bff partner boyfriend girlfriend husband wife ex son daughter cousin uncle aunt auntie
    aunty nan nana gran granny grandma grandad grandpa niece nephew stepdad stepmum stepbrother stepsister
    halfbrother halfsister neighbour neighbor classmate colleague boss manager teacher tutor mentor worker carer
    fiance fiancé fiancee fiancée flatmate housemate roommate godmother godfather baby child mum dad mother father
    named called nicknamed
    """

    /// Verbs that follow a person's name ("Tayo said", "Grace has been").
    static let personVerbs = """
    said says told tells texted texts messaged rang phoned called emailed mentioned reported explained asked asks
    admitted shared disclosed described feels felt thinks thought wants wanted needs needed hopes hoped
    lives lived stays stayed moved went goes came comes attends attended started left visits visited
    talked talks spoke speaks laughed smiled
    has had was is isn't wasn't seems seemed looks looked sounds sounded cried shouted hit pushed threatened
    agreed refused denied promised decided joined arrived turned got keeps kept
    """

    /// Street suffixes: a capitalised word before one of these is part of an address.
    static let streetSuffixes = """
    road rd street st lane ln avenue ave close drive dr way crescent cres place pl terrace grove gardens gdns court ct
    hill park row walk square sq mews rise green view parade vale wharf yard gate gardens circus chase boulevard
    wynd mead meadow meadows garth fold brow heights crest ridge approach hollow copse orchard paddock paddocks spinney
    dell lea ley leaze quay embankment causeway brae loan loaning vennel gait wynd close twitten chare loke ginnel snicket jitty
    """

    /// Street suffixes safe to match without a house number ("lives on Elm Street").
    static let strongStreetSuffixes = "road rd street lane avenue ave close drive crescent terrace grove gardens mews square way place"

    /// Words that end an organisation name ("Oakfield Academy", "Bristol Royal Infirmary").
    static let organisationSuffixes = """
    primary academy school college university infirmary hospital surgery practice clinic centre center church mosque
    temple gurdwara synagogue nursery preschool pre-school montessori fc ltd limited plc club
    institute chapel cathedral prison library leisure high masjid madrasa madrassa
    cemetery crematorium hub scouts guides brownies cubs beavers cadets carers foodbank bank team project
    foundation association society unit pantry juniors colts rovers athletic harriers wanderers afc necropolis mandir hospice abc meats butchers bakery barbers takeaway salon store garden home jfc
    """

    /// Place prepositions: a capitalised word after one is a place, not a surname ("in Preston").
    static let placePrepositions = "in from to at near around outside into towards via of"

    /// Months, for date scanning (full and short forms) with their numbers.
    static let months: [(String, Int)] = [
        ("january", 1), ("jan", 1), ("february", 2), ("feb", 2), ("march", 3), ("mar", 3), ("april", 4), ("apr", 4),
        ("may", 5), ("june", 6), ("jun", 6), ("july", 7), ("jul", 7), ("august", 8), ("aug", 8), ("september", 9),
        ("sep", 9), ("sept", 9), ("october", 10), ("oct", 10), ("november", 11), ("nov", 11), ("december", 12), ("dec", 12),
    ]

    /// Social platforms: a token after one of these ("Snapchat: kez_22") is a handle.
    static let platforms = "snapchat snap instagram insta ig tiktok twitter discord telegram facebook fb"

    /// Age words: "15-year-old", "aged 15".
    static let ageWords = "year-old years-old yr-old y/o yo aged age"

    /// Common words that are not names even when capitalised at the start of a sentence and followed by a person verb.
    static let subjectWords = """
    she he they it we i you everyone everybody someone somebody nobody noone anyone people staff school police
    teacher teachers doctor doctor's nurse social services council family friends parents mum dad client this that
    there here what which who things it's that's there's she's he's they've they'd she'd he'd we've life work home
    college uni university hospital everything something nothing sleep mood anxiety depression feeling feelings
    """
}
