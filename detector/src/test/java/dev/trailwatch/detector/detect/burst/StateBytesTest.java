package dev.trailwatch.detector.detect.burst;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.trailwatch.detector.serde.BinaryCodec;
import dev.trailwatch.detector.serde.CompactSerde;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The burst kit's states are persisted (store, changelog, journal entries): the bytes each codec writes, plain and
 * packed, are pinned to what the codecs wrote before they were reshaped for the JIT (main at d25d077), and those bytes
 * read back as the same state. A change here is a format change and needs a new version: the origin state's layout 2
 * (session 24) is pinned as its codec wrote it, and its layout 1 bytes, and a journal of them, must still read.
 */
class StateBytesTest {

    // Written by main d25d077's codecs: CompactSerde (version byte + fields), and a packed buffer holding the state
    // twice (the second time every string is a reference to the first), as a journal entry holds many keys' states.
    private static final String BURST_PLAIN =
            "010000018bcff323a0030000018bcfeb8280000000000000002a020000018bcfeb866808306231632d65311170726f64"
            + "2f64622f70617373776f72640000018bcfeb8c4408306231632d653200020000018bcfeb866808306231632d65311170"
            + "726f642f64622f70617373776f72640000018bcfeb8e3808306231632d65370e70726f642f6170692fd0ba6579000001"
            + "8bcfeb86680000018bcfed091f010d3131313132323232333333330a65752d776573742d314161726e3a6177733a7374"
            + "733a3a3131313132323232333333333a617373756d65642d726f6c652f41646d696e2f6ac3bc7267656e406578616d70"
            + "6c652e636f6d0c3230332e302e3131332e371b6177732d636c692f322e31352e3020507974686f6e2f332e31310f4765"
            + "7453656372657456616c75651d736563726574736d616e616765722e616d617a6f6e6177732e636f6d0100000000086a"
            + "c3bc7267656e000a393036372d757365720100000000000000280000019396b0f67b0000018bcff01660000000000000"
            + "0001010000018bcff0166103653900000000018bcff016610000018bcff01661010d313131313232323233333333000c"
            + "414944414558414d504c4500000d44656c6574654f626a6563741173332e616d617a6f6e6177732e636f6d0000000000"
            + "000000000000000000000000000000018bcff4aa40000000000000000000007fffffffffffffff800000000000000000"
            + "0000000000000000000000000000000000";
    private static final String BURST_PACKED =
            "c08e99fff96203808adcfef9625402d099dcfef96212306231632d65312470726f642f64622f70617373776f726488b1"
            + "dcfef96212306231632d65320002d099dcfef9620103f0b8dcfef96212306231632d65371e70726f642f6170692fd0ba"
            + "6579d099dcfef962bea4e8fef962011c3131313132323232333333331665752d776573742d31840161726e3a6177733a"
            + "7374733a3a3131313132323232333333333a617373756d65642d726f6c652f41646d696e2f6ac3bc7267656e40657861"
            + "6d706c652e636f6d1a3230332e302e3131332e37386177732d636c692f322e31352e3020507974686f6e2f332e313120"
            + "47657453656372657456616c75653c736563726574736d616e616765722e616d617a6f6e6177732e636f6d0100000000"
            + "126ac3bc7267656e0016393036372d757365720150f6d987ebf264c0d980fff9620201c2d980fff9620865390000c2d9"
            + "80fff962c2d980fff962010b001a414944414558414d504c4500001c44656c6574654f626a6563742473332e616d617a"
            + "6f6e6177732e636f6d0000000080a9a5fff962000000feffffffffffffffff01ffffffffffffffffff0100000000c08e"
            + "99fff96203808adcfef9625402d099dcfef962010388b1dcfef962050002d099dcfef9620103f0b8dcfef9620709d099"
            + "dcfef962bea4e8fef962010b0d0f11131517010000000019001b0150f6d987ebf264c0d980fff9620201c2d980fff962"
            + "1d0000c2d980fff962c2d980fff962010b001f000021230000000080a9a5fff962000000feffffffffffffffff01ffff"
            + "ffffffffffffff0100000000";
    private static final String UUIDS_PLAIN =
            "017fffffffffffffff010000018bcfeb82800000000000000002020000018bcfeb86682533663261396331652d376234"
            + "642d346532312d396130662d3563366437653866396130620a4765744f626a6563740000018bcfeb885c253346324139"
            + "4331452d374234442d344532312d394130462d35433644374538463941304200020000018bcfeb866825336632613963"
            + "31652d376234642d346532312d396130662d3563366437653866396130620a4765744f626a6563740000018bcfeb885c"
            + "2533463241394331452d374234442d344532312d394130462d354336443745384639413042000000018bcfeb86680000"
            + "018bcfeb885c000000000000000000008000000000000000";
    private static final String UUIDS_PACKED =
            "feffffffffffffffff0101808adcfef9620402d099dcfef962023f2a9c1e7b4d4e219a0f5c6d7e8f9a0b164765744f62"
            + "6a656374b8a1dcfef9624c33463241394331452d374234442d344532312d394130462d35433644374538463941304200"
            + "02d099dcfef9620103b8a1dcfef9620500d099dcfef962b8a1dcfef962000000ffffffffffffffffff01feffffffffff"
            + "ffffff0101808adcfef9620402d099dcfef9620103b8a1dcfef962050002d099dcfef9620103b8a1dcfef9620500d099"
            + "dcfef962b8a1dcfef962000000ffffffffffffffffff01";
    private static final String LOGIN_PLAIN =
            "010000018bcff323a0020000018bcfe568000000018bcfe9fbe0000000000000000c0213313131313232323233333333"
            + "2f616c696365113131313132323232333333332f626f62013c636f6e736f6c652d6272757465666f7263652d73756363"
            + "6573737c3139382e35312e3130302e347c616c6963657c31373030303030303030303030010000018bcfe73cc0056f6b"
            + "2d312561726e3a6177733a69616d3a3a3131313132323232333333333a757365722f616c696365133131313132323232"
            + "333333332f616c696365010d3131313132323232333333330a75732d656173742d313261726e3a6177733a7374733a3a"
            + "3131313132323232333333333a617373756d65642d726f6c652f4465762f692d306162630d3139382e35312e3130302e"
            + "340c4d6f7a696c6c612f352e300d436f6e736f6c654c6f67696e157369676e696e2e616d617a6f6e6177732e636f6d01"
            + "0000000004626f6200000000000000000002020000018bcfe73cc0056f6b2d3106616c6963650000018bcfe75048056f"
            + "6b2d33000000018bcfe75048096469676573742d370000019396b0f6000000018bcfe9fbe00000018bcfee8fc0000000"
            + "00000000000000020000018bcfe73cc0056f6b2d312561726e3a6177733a69616d3a3a3131313132323232333333333a"
            + "757365722f616c696365133131313132323232333333332f616c696365010d3131313132323232333333330a75732d65"
            + "6173742d313261726e3a6177733a7374733a3a3131313132323232333333333a617373756d65642d726f6c652f446576"
            + "2f692d306162630d3139382e35312e3130302e340c4d6f7a696c6c612f352e300d436f6e736f6c654c6f67696e157369"
            + "676e696e2e616d617a6f6e6177732e636f6d010000000004626f6200000000018bcfe763d0056f6b2d32000000";
    private static final String LOGIN_PACKED =
            "c08e99fff9620280a0abfef962c0efcffef9621802283131313132323232333333332f616c6963652431313131323232"
            + "32333333332f626f62017a636f6e736f6c652d6272757465666f7263652d737563636573737c3139382e35312e313030"
            + "2e347c616c6963657c313730303030303030303030300180f3b9fef9620c6f6b2d314c61726e3a6177733a69616d3a3a"
            + "3131313132323232333333333a757365722f616c69636501011c3131313132323232333333331675732d656173742d31"
            + "6661726e3a6177733a7374733a3a3131313132323232333333333a617373756d65642d726f6c652f4465762f692d3061"
            + "62631c3139382e35312e3130302e341a4d6f7a696c6c612f352e301c436f6e736f6c654c6f67696e2c7369676e696e2e"
            + "616d617a6f6e6177732e636f6d01000000000a626f620000040280f3b9fef962070e616c69636590c1bafef9620c6f6b"
            + "2d330090c1bafef962146469676573742d3780d887ebf264c0efcffef96280bff4fef9620000000280f3b9fef9620709"
            + "01010b0d0f111315170100000000190000a08fbbfef9620c6f6b2d32000000c08e99fff9620280a0abfef962c0efcffe"
            + "f9621802010301050180f3b9fef962070901010b0d0f111315170100000000190000040280f3b9fef962071b90c1bafe"
            + "f9621d0090c1bafef9621f80d887ebf264c0efcffef96280bff4fef9620000000280f3b9fef962070901010b0d0f1113"
            + "15170100000000190000a08fbbfef96221000000";
    private static final String ORIGIN_PLAIN =
            "01010c3230332e302e3131332e390000018bcfe5680004652d31010d3131313132323232333333330a75732d65617374"
            + "2d313261726e3a6177733a7374733a3a3131313132323232333333333a617373756d65642d726f6c652f4465762f692d"
            + "306162630d3139382e35312e3130302e340c4d6f7a696c6c612f352e300d436f6e736f6c654c6f67696e157369676e69"
            + "6e2e616d617a6f6e6177732e636f6d010000000004626f62000001010a767063652d303132330000018bcfe62b500465"
            + "2d3200000207692d3061626307692d306465660107692d306162630000018bcfd625c00000018bcfe62b508000000000"
            + "000000";
    private static final String ORIGIN_PACKED =
            "011a3230332e302e3131332e3980a0abfef9620a652d31011c3131313132323232333333331675732d656173742d3166"
            + "61726e3a6177733a7374733a3a3131313132323232333333333a617373756d65642d726f6c652f4465762f692d306162"
            + "631c3139382e35312e3130302e341a4d6f7a696c6c612f352e301c436f6e736f6c654c6f67696e2c7369676e696e2e61"
            + "6d617a6f6e6177732e636f6d01000000000a626f620000010116767063652d30313233a0adb1fef9620a652d32000002"
            + "10692d3061626310692d3064656601198097b1fdf962a0adb1fef962ffffffffffffffffff01010180a0abfef9620301"
            + "0507090b0d0f110100000000130000010115a0adb1fef96217000002191b01198097b1fdf962a0adb1fef962ffffffff"
            + "ffffffffff01";
    // Origin states in layout 2 (OriginStateCodec from commit 2cddccd): a layout byte, then layout 1's fields, then each
    // owner's moment and the commands recorded as tainting the instance's uses.
    private static final String ORIGIN_2_PLAIN =
            "0102010c3230332e302e3131332e390000018bcfe5680004652d31010d3131313132323232333333330a75732d656173"
            + "742d313261726e3a6177733a7374733a3a3131313132323232333333333a617373756d65642d726f6c652f4465762f69"
            + "2d306162630d3139382e35312e3130302e340c4d6f7a696c6c612f352e300d436f6e736f6c654c6f67696e157369676e"
            + "696e2e616d617a6f6e6177732e636f6d010000000004626f62000001010a767063652d303132330000018bcfe62b5004"
            + "652d3200000207692d3061626307692d306465660207692d3061626307692d306465660000018bcfd625c00000018bcf"
            + "e62b5080000000000000000280000000000000000000018bcfe60440010a767063652d303132330000018bcfe617c804"
            + "652d39010d3131313132323232333333330a75732d656173742d313261726e3a6177733a7374733a3a31313131323232"
            + "32333333333a617373756d65642d726f6c652f4465762f692d306162630d3139382e35312e3130302e340c4d6f7a696c"
            + "6c612f352e300d436f6e736f6c654c6f67696e157369676e696e2e616d617a6f6e6177732e636f6d010000000004626f"
            + "62000001";
    private static final String ORIGIN_2_PACKED =
            "02011a3230332e302e3131332e3980a0abfef9620a652d31011c3131313132323232333333331675732d656173742d31"
            + "6661726e3a6177733a7374733a3a3131313132323232333333333a617373756d65642d726f6c652f4465762f692d3061"
            + "62631c3139382e35312e3130302e341a4d6f7a696c6c612f352e301c436f6e736f6c654c6f67696e2c7369676e696e2e"
            + "616d617a6f6e6177732e636f6d01000000000a626f620000010116767063652d30313233a0adb1fef9620a652d320000"
            + "0210692d3061626310692d3064656602191b8097b1fdf962a0adb1fef962ffffffffffffffffff0102ffffffffffffff"
            + "ffff018091b0fef962011590dfb0fef9620a652d39010507090b0d0f1101000000001300000102010180a0abfef96203"
            + "010507090b0d0f110100000000130000010115a0adb1fef96217000002191b02191b8097b1fdf962a0adb1fef962ffff"
            + "ffffffffffffff0102ffffffffffffffffff018091b0fef962011590dfb0fef9621d010507090b0d0f11010000000013"
            + "000001";
    // Origin states in layout 3: layout 2's fields behind the byte 3, then when each ownership ended.
    private static final String ORIGIN_3_PLAIN =
            "0103010c3230332e302e3131332e390000018bcfe5680004652d31010d3131313132323232333333330a75732d656173"
            + "742d313261726e3a6177733a7374733a3a3131313132323232333333333a617373756d65642d726f6c652f4465762f69"
            + "2d306162630d3139382e35312e3130302e340c4d6f7a696c6c612f352e300d436f6e736f6c654c6f67696e157369676e"
            + "696e2e616d617a6f6e6177732e636f6d010000000004626f62000001010a767063652d303132330000018bcfe62b5004"
            + "652d3200000207692d3061626307692d306465660207692d3061626307692d306465660000018bcfd625c00000018bcf"
            + "e62b5080000000000000000280000000000000000000018bcfe60440010a767063652d303132330000018bcfe617c804"
            + "652d39010d3131313132323232333333330a75732d656173742d313261726e3a6177733a7374733a3a31313131323232"
            + "32333333333a617373756d65642d726f6c652f4465762f692d306162630d3139382e35312e3130302e340c4d6f7a696c"
            + "6c612f352e300d436f6e736f6c654c6f67696e157369676e696e2e616d617a6f6e6177732e636f6d010000000004626f"
            + "62000001027fffffffffffffff0000018bcfe6eea0";
    private static final String ORIGIN_3_PACKED =
            "03011a3230332e302e3131332e3980a0abfef9620a652d31011c3131313132323232333333331675732d656173742d31"
            + "6661726e3a6177733a7374733a3a3131313132323232333333333a617373756d65642d726f6c652f4465762f692d3061"
            + "62631c3139382e35312e3130302e341a4d6f7a696c6c612f352e301c436f6e736f6c654c6f67696e2c7369676e696e2e"
            + "616d617a6f6e6177732e636f6d01000000000a626f620000010116767063652d30313233a0adb1fef9620a652d320000"
            + "0210692d3061626310692d3064656602191b8097b1fdf962a0adb1fef962ffffffffffffffffff0102ffffffffffffff"
            + "ffff018091b0fef962011590dfb0fef9620a652d39010507090b0d0f1101000000001300000102feffffffffffffffff"
            + "01c0bab7fef96203010180a0abfef96203010507090b0d0f110100000000130000010115a0adb1fef96217000002191b"
            + "02191b8097b1fdf962a0adb1fef962ffffffffffffffffff0102ffffffffffffffffff018091b0fef962011590dfb0fe"
            + "f9621d010507090b0d0f1101000000001300000102feffffffffffffffff01c0bab7fef962";
    // Main dc34cff's journal of origin states (layout 1), after two commits: the four keys, then one changed and one
    // deleted. Each entry packs several states, and more bytes follow each.
    private static final String ORIGIN_JOURNAL_0 =
            "02010148697c3131313132323232333333337c692d3061616161616161616161616161616131011435342e392e392e39"
            + "80f7c0b9b3680c652d30310000011c3139382e35312e3130302e37e0a8a0bbb3680c652d303300000000ffffffffffff"
            + "ffffff01e0a8a0bbb368a0978ebcb368013a6f7c3131313132323232333333337c3139382e35312e3130302e3700022a"
            + "692d3061616161616161616161616161616131e0a8a0bbb3680900000d80d49cbbb3680c652d3032011c313131313232"
            + "3232333333331675732d656173742d315061726e3a6177733a69616d3a3a3131313132323232333333333a757365722f"
            + "7374726174757307206177732d636c692f322e31332e301a53656e64436f6d6d616e642673736d2e616d617a6f6e6177"
            + "732e636f6d00010000ffffffffffffffffff01e0a8a0bbb368ffffffffffffffffff0101326f7c313131313232323233"
            + "3333337c35342e392e392e3900020d80f7c0b9b3680500002a692d3061616161616161616161616161616132c091cdb9"
            + "b3680c652d30340000012a692d3061616161616161616161616161616139020d1fffffffffffffffffff01c091cdb9b3"
            + "68ffffffffffffffffff010148697c3131313132323232333333337c692d306161616161616161616161616161613201"
            + "03c091cdb9b368210001000000a084c7b9b368c091cdb9b368ffffffffffffffffff0100";
    private static final String ORIGIN_JOURNAL_1 =
            "02010148697c3131313132323232333333337c692d3061616161616161616161616161616131011435342e392e392e39"
            + "80f7c0b9b3680c652d30310000011c3139382e35312e3130302e37e0a8a0bbb3680c652d303300010000ffffffffffff"
            + "ffffff01e0a8a0bbb368ffffffffffffffffff010248697c3131313132323232333333337c692d306161616161616161"
            + "616161616161613200";

    @Test
    void burstStateBytesAreThoseTheEarlierCodecWrote() {
        pinned(BurstStateCodec.SERDE, BurstStateCodecTest.sample(), BURST_PLAIN, BURST_PACKED);
    }

    @Test
    void eventIdsThatAreLowercaseUuidsArePackedInSixteenBytesAsBefore() {
        pinned(BurstStateCodec.SERDE, uuids(), UUIDS_PLAIN, UUIDS_PACKED);
    }

    @Test
    void loginStateBytesAreThoseTheEarlierCodecWrote() {
        pinned(LoginStateCodec.SERDE, WindowStateCodecsTest.loginState(), LOGIN_PLAIN, LOGIN_PACKED);
    }

    /** Layout 1, as d25d077's codec wrote it: still read, its owners owners since long ago, no taints recorded. */
    @Test
    void originStateBytesOfLayoutOneAreStillRead() {
        OriginState state = WindowStateCodecsTest.originState();
        assertThat(state.anchoredSince()).containsExactly(Long.MIN_VALUE);
        assertThat(state.taints()).isEmpty();
        readable(OriginStateCodec.SERDE, state, ORIGIN_PLAIN, ORIGIN_PACKED);
    }

    /** Layout 2, as the codec of commit 2cddccd wrote it: still read, every owner it names an owner still. */
    @Test
    void originStateBytesOfLayoutTwoAreStillRead() {
        OriginState state = originStateLayoutTwo();
        assertThat(state.anchoredUntil()).containsExactly(OriginState.CURRENT, OriginState.CURRENT);
        readable(OriginStateCodec.SERDE, state, ORIGIN_2_PLAIN, ORIGIN_2_PACKED);
    }

    @Test
    void originStateBytesOfLayoutThreeArePinned() {
        pinned(OriginStateCodec.SERDE, originStateLayoutThree(), ORIGIN_3_PLAIN, ORIGIN_3_PACKED);
    }

    /**
     * What a detector upgraded in place restores: journal entries main dc34cff wrote, each packing several layout-1
     * states with more bytes after each (the layout is read from each state's first byte, not from whether the entry
     * has bytes left), read back as they were written; this version's commits go on from them in layout 2.
     */
    @Test
    void aJournalOfLayoutOneOriginStatesReadsBackAsItWasWritten() {
        HexFormat hex = HexFormat.of();
        Map<String, OriginState> first = journalStates();
        assertThat(StateJournal.decode(hex.parseHex(ORIGIN_JOURNAL_0), OriginStateCodec.SERDE, "t"))
                .extracting(kv -> kv.key, kv -> kv.value)
                .containsExactly(tuple(INSTANCE_1, first.get(INSTANCE_1)), tuple(ADDRESS, first.get(ADDRESS)),
                        tuple(OWN, first.get(OWN)), tuple(INSTANCE_2, first.get(INSTANCE_2)));
        assertThat(StateJournal.decode(hex.parseHex(ORIGIN_JOURNAL_1), OriginStateCodec.SERDE, "t"))
                .extracting(kv -> kv.key, kv -> kv.value)
                .containsExactly(tuple(INSTANCE_1, decided()), tuple(INSTANCE_2, null));

        KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("origins"),
                Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        store.put(Journal.key(0), hex.parseHex(ORIGIN_JOURNAL_0));
        store.put(Journal.key(1), hex.parseHex(ORIGIN_JOURNAL_1));
        Map<String, OriginState> restored = new TreeMap<>(Map.of(INSTANCE_1, decided(), ADDRESS, first.get(ADDRESS),
                OWN, first.get(OWN)));
        assertThat(loaded(store)).isEqualTo(restored);

        StateJournal<OriginState> journal = new StateJournal<>(store, OriginStateCodec.SERDE);
        journal.load();
        OriginState owned = first.get(OWN).ownOf("i-0aaaaaaaaaaaaaaa3", T0);
        journal.put(OWN, owned);
        journal.commit();
        restored.put(OWN, owned);
        assertThat(loaded(store)).isEqualTo(restored);
    }

    private static Map<String, OriginState> loaded(KeyValueStore<String, byte[]> store) {
        StateJournal<OriginState> journal = new StateJournal<>(store, OriginStateCodec.SERDE);
        journal.load();
        Map<String, OriginState> states = new TreeMap<>();
        journal.all().forEach(kv -> states.put(kv.key, kv.value));
        return states;
    }

    /** A window keeping a lowercase UUID (packed as 16 bytes) and the same id in capitals (packed as text). */
    private static BurstState uuids() {
        var ids = List.of(new Entry(1_700_000_401_000L, "3f2a9c1e-7b4d-4e21-9a0f-5c6d7e8f9a0b", "GetObject"),
                new Entry(1_700_000_401_500L, "3F2A9C1E-7B4D-4E21-9A0F-5C6D7E8F9A0B", null));
        return new BurstState(List.of(new OpenBurst(1_700_000_400_000L, 2, ids, ids, 1_700_000_401_000L,
                1_700_000_401_500L, null, false, 0, Long.MIN_VALUE)), Long.MAX_VALUE);
    }

    /** An origin state with what layout 3 added: an ownership that has ended, beside one that has not. */
    private static OriginState originStateLayoutThree() {
        OriginState s = originStateLayoutTwo();
        return new OriginState(s.anchor(), s.others(), s.users(), s.anchoredBy(), s.resetAt(), s.lastSeen(),
                s.dueAt(), s.anchoredSince(), s.taints(), List.of(OriginState.CURRENT, 1_700_000_100_000L));
    }

    /** An origin state with what layout 2 added: each owner's moment (one long ago), a command that tainted a use. */
    private static OriginState originStateLayoutTwo() {
        OriginState s = WindowStateCodecsTest.originState();
        return new OriginState(s.anchor(), s.others(), s.users(), List.of("i-0abc", "i-0def"), s.resetAt(),
                s.lastSeen(), s.dueAt(), List.of(Long.MIN_VALUE, 1_700_000_040_000L),
                List.of(new Origin("vpce-0123", 1_700_000_045_000L, "e-9", s.anchor().call(), true)));
    }

    private static final long T0 = 1_793_613_600_000L; // 2026-11-02T10:00:00Z
    private static final String INSTANCE_1 = "i|111122223333|i-0aaaaaaaaaaaaaaa1";
    private static final String INSTANCE_2 = "i|111122223333|i-0aaaaaaaaaaaaaaa2";
    private static final String ADDRESS = "o|111122223333|198.51.100.7";
    private static final String OWN = "o|111122223333|54.9.9.9";

    /**
     * The states of ORIGIN_JOURNAL_0, as dc34cff made them: an instance with its own address and a use waiting, the
     * address it was used from with the command sent from there, its own address owned by two, a second instance.
     */
    private static Map<String, OriginState> journalStates() {
        Anchor command = new Anchor("111122223333", "us-east-1", "arn:aws:iam::111122223333:user/stratus",
                "198.51.100.7", "aws-cli/2.13.0", "SendCommand", "ssm.amazonaws.com", null);
        return Map.of(
                INSTANCE_1, new OriginState(new Origin("54.9.9.9", T0 - 1_800_000L, "e-01", null, false),
                        List.of(new Origin("198.51.100.7", T0 + 30_000L, "e-03", null, false)), List.of(), List.of(),
                        Long.MIN_VALUE, T0 + 30_000L, T0 + 930_000L),
                ADDRESS, new OriginState(null, List.of(new Origin("i-0aaaaaaaaaaaaaaa1", T0 + 30_000L, "e-03", null,
                        false), new Origin("i-0aaaaaaaaaaaaaaa1", T0, "e-02", command, true)), List.of(), List.of(),
                        Long.MIN_VALUE, T0 + 30_000L, Long.MIN_VALUE),
                OWN, new OriginState(null, List.of(new Origin("i-0aaaaaaaaaaaaaaa1", T0 - 1_800_000L, "e-01", null,
                        false), new Origin("i-0aaaaaaaaaaaaaaa2", T0 - 1_700_000L, "e-04", null, false)),
                        List.of("i-0aaaaaaaaaaaaaaa9"), List.of("i-0aaaaaaaaaaaaaaa1", "i-0aaaaaaaaaaaaaaa2"),
                        Long.MIN_VALUE, T0 - 1_700_000L, Long.MIN_VALUE),
                INSTANCE_2, new OriginState(new Origin("54.9.9.9", T0 - 1_700_000L, "e-04", null, true), List.of(),
                        List.of(), List.of(), T0 - 1_750_000L, T0 - 1_700_000L, Long.MIN_VALUE));
    }

    /** ORIGIN_JOURNAL_1's first instance: its use decided. */
    private static OriginState decided() {
        return new OriginState(new Origin("54.9.9.9", T0 - 1_800_000L, "e-01", null, false),
                List.of(new Origin("198.51.100.7", T0 + 30_000L, "e-03", null, true)), List.of(), List.of(),
                Long.MIN_VALUE, T0 + 30_000L, Long.MIN_VALUE);
    }

    /** Bytes an earlier layout wrote: read back as the state, plain and packed twice in one buffer. */
    private static <T> void readable(CompactSerde<T> serde, T state, String plainHex, String packedHex) {
        HexFormat hex = HexFormat.of();
        assertThat(serde.read("t", hex.parseHex(plainHex))).isEqualTo(state);
        BinaryCodec.In in = BinaryCodec.In.packed(hex.parseHex(packedHex), 0);
        assertThat(serde.codec().read(in)).isEqualTo(state);
        assertThat(serde.codec().read(in)).isEqualTo(state);
        assertThat(in.done()).isTrue();
    }

    private static <T> void pinned(CompactSerde<T> serde, T state, String plainHex, String packedHex) {
        HexFormat hex = HexFormat.of();
        assertThat(hex.formatHex(serde.write(state))).isEqualTo(plainHex);
        assertThat(serde.read("t", hex.parseHex(plainHex))).isEqualTo(state);

        BinaryCodec.Out out = BinaryCodec.Out.packed(16);
        serde.codec().write(out, state);
        serde.codec().write(out, state);
        assertThat(hex.formatHex(out.toByteArray())).isEqualTo(packedHex);
        BinaryCodec.In in = BinaryCodec.In.packed(hex.parseHex(packedHex), 0);
        assertThat(serde.codec().read(in)).isEqualTo(state);
        assertThat(serde.codec().read(in)).isEqualTo(state);
        assertThat(in.done()).isTrue();
    }
}
