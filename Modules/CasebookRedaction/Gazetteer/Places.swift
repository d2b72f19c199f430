// Places and other proper nouns that are not people: UK cities, towns and districts, countries,
// nationalities, brands and platforms. A capitalised word here is never taken for a name on
// capitalisation alone. Source: general knowledge of UK geography (no data file copied).

extension Gazetteer {
    static let places = """
    london bristol bath leeds manchester birmingham liverpool sheffield bradford newcastle sunderland gateshead durham york hull
    leicester nottingham derby coventry wolverhampton walsall dudley sandwell solihull stoke stafford telford shrewsbury hereford
    worcester gloucester cheltenham swindon oxford reading slough luton watford stevenage cambridge peterborough norwich ipswich
    colchester chelmsford southend basildon brighton hove crawley guildford woking maidstone canterbury dover margate gillingham
    chatham rochester medway portsmouth southampton bournemouth poole salisbury exeter plymouth torquay truro taunton yeovil
    weston-super-mare cardiff swansea newport wrexham bangor aberystwyth carmarthen llanelli merthyr tydfil pontypridd rhyl
    barry caerphilly bridgend neath glasgow edinburgh aberdeen dundee inverness perth stirling paisley falkirk kilmarnock ayr
    belfast derry londonderry lisburn newry armagh omagh enniskillen dublin cork galway limerick
    blackpool preston blackburn burnley bolton bury oldham rochdale stockport wigan salford warrington chester crewe macclesfield
    huddersfield halifax wakefield barnsley doncaster rotherham grimsby scunthorpe lincoln mansfield chesterfield middlesbrough
    darlington hartlepool stockton carlisle kendal lancaster harrogate scarborough keighley accrington bootle birkenhead
    wirral st helens southport northampton kettering corby milton keynes bedford aylesbury high wycombe basingstoke winchester
    hartcliffe filton bedminster southmead easton knowle lawrence stapleton fishponds kingswood bishopsworth hengrove withywood
    brislington totterdell redland clifton cotham montpelier st pauls st werburghs horfield lockleaze henbury avonmouth
    hackney islington camden lambeth southwark lewisham greenwich tower hamlets newham croydon brixton peckham tottenham
    walthamstow ealing hounslow harrow brent barnet enfield haringey wandsworth hammersmith fulham kensington chelsea
    westminster bermondsey stratford ilford romford barking dagenham bromley sutton kingston richmond moss side
    england scotland wales ireland britain uk gb europe africa asia america usa canada australia india pakistan bangladesh
    nigeria ghana kenya somalia somaliland ethiopia eritrea sudan syria iraq iran afghanistan turkey poland romania lithuania
    latvia bulgaria ukraine russia spain portugal france germany italy greece jamaica trinidad barbados china vietnam
    hong kong philippines sri lanka nepal zimbabwe zambia uganda congo yemen egypt morocco algeria albania kosovo
    african american asian european caribbean jamaican nigerian ghanaian somali kenyan indian pakistani bangladeshi chinese
    vietnamese polish romanian lithuanian ukrainian syrian afghan iranian iraqi kurdish turkish portuguese spanish italian
    irish scottish welsh english british black white mixed arab
    google youtube netflix spotify amazon tesco asda aldi lidl sainsbury's sainsburys morrisons primark costa greggs mcdonald's
    mcdonalds kfc nando's nandos subway starbucks xbox playstation nintendo minecraft fortnite roblox fifa iphone android apple
    samsung uber deliveroo argos boots superdrug wetherspoons co-op coop waitrose iceland poundland b&m wilko currys
    monday tuesday wednesday thursday friday saturday sunday
    god allah jesus christ bible quran koran jehovah jehovah's witness witnesses buddha krishna guru nanak mormon quaker
    kooth childline samaritans shout papyrus mind youngminds barnardo's barnardos nspcc mermaids stonewall refuge relate
    cruse beat shelter crisis trussell scouts brownies guides cadets rainbows beavers cubs ofsted hmrc dwp nhs
    a-level a-levels gcse gcses btec btecs dms dm ks3 ks4 sats covid covid-19 coronavirus lockdown brexit
    snapchat whatsapp tiktok instagram facebook messenger discord twitch reddit pinterest tumblr bereal telegram
    sertraline fluoxetine citalopram escitalopram melatonin methylphenidate ritalin concerta elvanse mirtazapine quetiapine
    risperidone aripiprazole propranolol diazepam zopiclone calpol nurofen paracetamol ibuprofen
    mencap scope nacro stepchange turn2us citizens mencap barnardo nspcc unicef oxfam macmillan marie curie
    lego pokemon pokémon marvel disney pixar barbie nerf bts k-pop kpop anime manga korean japanese thai filipino nepali
    army navy raf royal duke duchess prince princess king queen
    premier league arsenal chelsea liverpool everton spurs tottenham villa city united rovers wanderers
    """
}
