// Names that are also ordinary English words. A word here is a name only with context: a capital
// in mid-sentence, a title or relation word before it, a speech verb after it, or a surname next to
// it. Lower-case, it is never a name from the gazetteer alone.

extension Gazetteer {
    static let ambiguousNames = """
    will mark hope grace faith joy may june april august rose lily daisy ivy holly hazel heather amber ruby pearl jade crystal
    summer autumn winter sky skye river storm rain sunny frank bill pat sue dawn bob rob jack nick rich drew art ray guy bud
    chase hunter cash carter mason gene don dean victor miles rusty sandy dusty penny kitty robin jay wren star honey sugar
    angel destiny harmony melody liberty justice mercy patience prudence charity verity constance felicity bliss blessing
    favour comfort gift peace precious princess trinity unity serenity fern poppy violet iris jasmine myrtle olive willow
    rowan ash hazel basil sage reed carol noel eve lance grant barry pip bea bee reggie teddy ted max sonny sam
    tom tommy ben gus kit stan sid hal fred ed al jo lou jim jimmy jack dot kay val mo moe ella emma
    belle bella dolly polly molly tilly milly lottie hattie summer marina meadow ocean misty crystal brook brooke
    christian norman dennis douglas gordon raymond
    hope mercy shaz
    """

    /// Surnames that are also ordinary words or places: a name only next to a given name or a title.
    static let ambiguousSurnames = """
    brown green white black grey gray young king hill wood hall wright baker cook walker turner hunter mason ward moore long
    bell rose may day lamb fox hope little rich marsh bird lord page payne stone pool poole rivers banks price chambers lane
    field fields sharp burns weeks woods holland england wales french english welsh scott west north south east
    bishop butcher barber fisher carter cooper potter porter parsons dean miles mills moss nash reed read short swift tate
    todd tucker wade warren waters watts winter wise ball barton bush cross dale frost gill gold golden hardy hart hay heath
    hicks house jordan kent kerr knight law low lowe major marshall may mellor newman noble north norman oliver parker
    pearl pope power rice rowe sale shepherd singer small spring street summers sweet temple vine walls ward well wells
    white wild wolf worth young fuller glover hunt lucas sutton preston bolton chester lincoln derby kendal hull york
    grant ford hope may khan singh kaur das ali gil lee ng lim vo sy bah fall gay paul james
    thomas henry francis lewis edwards morgan ross murray craig stewart graham gordon douglas campbell duncan
    """
}
