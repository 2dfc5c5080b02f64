package mcnames

import (
	"slices"
	"strings"
	"testing"
)

// validCommands are real commands of Minecraft 1.21 and later, as written
// in actions files, data packs and the wiki's examples: none may get a
// problem, whatever release from 1.21 on the names are checked against.
var validCommands = []string{
	// Tiktok2Mc's default actions.mca and tikcraft's example.
	"give @a minecraft:golden_apple 7",
	"execute at @a run summon minecraft:creeper ~ ~ ~",
	"clear @a *",
	"kill @a",
	"give @a minecraft:diamond",
	"execute at @a run summon minecraft:evoker ~ ~ ~",
	"execute at @a run summon minecraft:wither ~ ~ ~",
	"execute at @a run summon creeper ~ ~ ~3",
	"give @a minecraft:cookie 4",
	`tellraw @a {"text":"{nickname} sent a heart","color":"red"}`,
	"execute at @a run summon minecraft:zombie ~ ~ ~",
	"weather thunder",
	"execute at @a run summon lightning_bolt ~ ~ ~",
	"execute at @a run summon minecraft:chicken ~ ~1 ~",
	"execute at @a run summon minecraft:wither_skeleton ~ ~ ~3",
	"say thanks for the {gift}, {user}!",
	"execute at @a run summon tnt ~ ~ ~",
	"give @a golden_apple 1",
	"effect give @a minecraft:speed 10 1",
	"say welcome {user}",
	`title @a title {"text":"Challenge won!","color":"gold"}`,
	"execute at @a run summon firework_rocket ~ ~1 ~",
	"kill @e[type=#minecraft:skeletons]",
	"time set night",
	"give {user} minecraft:cookie 3",
	"execute at @a run summon creeper ~ ~ ~5",

	// New mobs, items and blocks of 1.20.5 and 1.21.
	"summon breeze ~ ~ ~",
	"summon minecraft:bogged ~ ~1 ~",
	"summon armadillo",
	"execute at @p run summon wind_charge ~ ~2 ~ {Motion:[0.0,-1.0,0.0]}",
	"give @a mace",
	"give @p minecraft:mace[enchantments={levels:{density:5,wind_burst:3,breach:4}}] 1",
	"give @s heavy_core",
	"give @s ominous_bottle[ominous_bottle_amplifier=4]",
	"give @s trial_key 3",
	"give @a wind_charge 16",
	"setblock ~ ~ ~ trial_spawner",
	"setblock ~ ~-1 ~ minecraft:vault[facing=north]",
	"setblock ~ ~ ~ crafter[orientation=down_east,triggered=false]",
	"effect give @a minecraft:wind_charged 30 0",
	"effect give @s trial_omen 600",
	"effect give @a infested 20 1 true",
	"effect give @a oozing infinite",
	"effect give @a weaving 60 0 true",
	"particle minecraft:trial_omen ~ ~ ~",
	"particle gust ~ ~1 ~",
	"particle small_gust ~ ~1 ~ 1 1 1 0 10",
	"particle dust_pillar{block_state:{Name:\"minecraft:stone\"}} ~ ~ ~ 0.5 0 0.5 0 20",
	"playsound minecraft:item.mace.smash_ground master @a",
	"playsound minecraft:entity.breeze.shoot hostile @a ~ ~ ~ 1 1",
	"enchant @p minecraft:density 3",
	"enchant @s breach",

	// Item components (1.20.5 on).
	"give @a diamond_sword[enchantments={sharpness:5}]",
	"give @p diamond_sword[enchantments={levels:{sharpness:5,unbreaking:3}}] 1",
	"give @s wooden_pickaxe[damage=23]",
	"give @s netherite_hoe[damage=5,repair_cost=2]",
	"give @s stick[custom_data={foo:'bar'}]",
	"give @s diamond_sword[enchantment_glint_override=true]",
	`give @a diamond_sword[custom_name='{"text":"Excalibur","color":"gold","italic":false}',unbreakable={}] 1`,
	`give @a minecraft:player_head[profile={name:"{user}"}]`,
	`give @s written_book[written_book_content={title:"Hi",author:"Me",pages:['"one page"']}]`,
	"give @s potion[potion_contents={potion:\"minecraft:night_vision\"}] 1",
	"give @s minecraft:firework_rocket[fireworks={flight_duration:2,explosions:[{shape:large_ball,colors:[I;16711680]}]}] 8",
	"give @a golden_apple[food={nutrition:20,saturation:20,can_always_eat:true}] 3",
	"give @s stone[!minecraft:max_stack_size]",
	"clear @s diamond_pickaxe[damage=0]",
	"clear @s stick[custom_data~{a:2}]",
	"clear @s *[!damage|damage=0]",
	"clear @s *[count~{max:2}]",
	"clear @s *[custom_data~{gm4_metallurgy: {stored_shamir: \"lumos\"}}, damage | !max_item_stack=1]",
	"clear @a #minecraft:wool",
	"clear @a minecraft:diamond 5",
	"clear",
	"clear @a",

	// NBT and legacy item NBT.
	"summon creeper ~ ~ ~ {powered:1b}",
	`summon creeper ~ ~ ~ {powered:1b,CustomName:'{"text":"Powered Creeper"}'}`,
	`summon creeper ~ ~ ~ {powered: 1b, CustomName: '{"text":"Powered Creeper"}'}`,
	`summon zombie ~ ~ ~ {CustomName:'"{nickname}"',CustomNameVisible:1b,IsBaby:1b}`,
	`summon spider ~ ~ ~ {Passengers: [{id: "minecraft:skeleton", HandItems: [{id: "minecraft:bow", Count: 1b}]}]}`,
	`summon villager ~ ~ ~ {Offers: {Recipes: [{buy: {id: "dirt", Count: 1}, sell: {id: "diamond", Count: 1}, rewardExp: false}]}}`,
	"summon tnt ~ ~5 ~ {fuse:40}",
	"summon minecraft:tnt ~ ~ ~ {fuse:80,explosion_power:4}",
	"summon item ~ ~1 ~ {Item:{id:\"minecraft:diamond\",count:3}}",
	"summon lightning_bolt ~-10 ~ ~",
	"summon armor_stand ~ ~ ~ {Invisible:1b,NoGravity:1b,Marker:1b}",
	"summon falling_block ~ ~10 ~ {BlockState:{Name:\"minecraft:anvil\"},Time:1}",
	"summon experience_orb ~ ~ ~ {Value:100}",
	"summon end_crystal ~ ~ ~",
	"summon text_display ~ ~2 ~ {text:'\"Hello\"',billboard:\"center\"}",
	"summon marker ~ ~ ~ {Tags:[\"spawn\"]}",
	"summon ender_dragon ~ ~20 ~",
	"give @p minecraft:diamond_sword{display: {Lore: ['\"A legendary weapon\"']}} 1",
	"give @r diamond_sword{Enchantments: [{id: \"minecraft:sharpness\", lvl: 10}]} 1",
	"give @s minecraft:diamond_block{CanPlaceOn: [\"minecraft:dirt\"]}",

	// Selectors, tags and JSON text.
	"kill @e[type=!player,distance=..20]",
	"kill @e[type=minecraft:zombie, distance=..5, limit=1, sort=nearest]",
	"kill @e[type=item]",
	"kill @e[type=arrow,nbt={inBlockState: {Name: \"minecraft:target\"}}]",
	"function #minecraft:tick",
	"function #minecraft:load",
	"function tikcraft:rose {user:\"anna\"}",
	"execute as @a at @s if block ~ ~-1 ~ #minecraft:logs run say on a log",
	"execute as @a at @s if block ~ ~-1 ~ #wool run kill @s",
	`tellraw @a [{"text":"a;b "},{"selector":"@p","color":"aqua"}]`,
	`tellraw @a {"text":"Hover me!","hoverEvent":{"action":"show_text","value":"Hi!"}}`,
	`tellraw @a "text to display"`,
	`title @a subtitle {"text":"The story begins...","color":"gray","italic":true}`,
	"title @a times 10 70 20",
	`bossbar add tikcraft:goal "Like goal"`,
	`scoreboard objectives add deaths deathCount "Deaths"`,
	"scoreboard players add @a coins 10",
	"scoreboard players operation #total coins += @s coins",
	"team modify red color red",
	"tag @a add winner",
	"msg @a Hi",
	"tell @p hello there",
	"me waves",
	"say it's {user}'s turn, don't miss it",
	`say "quoted" and 'single' quotes`,

	// Coordinates: relative, local, absolute, decimals, Bedrock style.
	"setblock ~ ~ ~ chest[facing=east]",
	"setblock ~ ~ ~-1 birch_sign{Text1: '\"My chest\"'}",
	"setblock ~ ~2 ~ quartz_slab[type=top]",
	"setblock 10 64 -20 minecraft:diamond_block replace",
	"setblock ^ ^ ^2 glass destroy",
	"setblock ~ ~ ~ minecraft:chest[facing=north]{Items:[{Slot:0b,id:\"minecraft:diamond\",count:1}]} keep",
	"setblock ~~1~ stone",
	"fill 52 63 -1516 33 73 -1536 minecraft:gold_block replace minecraft:orange_glazed_terracotta",
	"fill ~-3 ~-3 ~-3 ~3 ~-1 ~3 water",
	"fill ~-3 ~ ~-4 ~3 ~4 ~4 minecraft:stone hollow",
	"fill ~-1 ~ ~ ~1 ~ ~ minecraft:prismarine_brick_stairs[facing=south,waterlogged=true]",
	"fill ~-5 ~-1 ~-5 ~5 ~-1 ~5 air replace #minecraft:leaves",
	"fill ~-2 ~ ~-2 ~2 ~3 ~2 cobweb keep",
	"fill ~-10.5 ~ ~-10.5 ~10.5 ~ ~10.5 lava",
	"tp @a ~ ~10 ~",
	"tp @s ^ ^ ^1 ~ ~",
	"spreadplayers 0 0 200 500 true @a",

	// Execute chains.
	"execute as @a at @s run summon zombie ~ ~ ~",
	"execute as @a at @s positioned ~ ~2 ~ rotated ~ 0 run summon creeper ^ ^ ^3",
	"execute as @e[type=sheep] at @s rotated as @p run tp @s ^ ^ ^1",
	"execute as @e[type=sheep] positioned as @s rotated as @p run tp @s ^ ^ ^1",
	"execute as @e[type=!player] at @s facing entity @p feet run tp @s ^ ^ ^1",
	"execute as @e at @s facing 0 64 0 run tp @s ^ ^ ^1",
	"execute align xyz run summon armor_stand ~0.5 ~ ~0.5",
	"execute anchored eyes run particle smoke ^ ^ ^3",
	"execute in minecraft:the_nether run summon blaze ~ ~ ~",
	"execute in the_end run locate structure endcity",
	"execute on vehicle at @s if loaded ~10 ~ ~ run tp @s ~10 ~ ~",
	"execute on passengers run kill @s",
	"execute positioned over ocean_floor run summon skeleton",
	"execute positioned over motion_blocking_no_leaves run summon pillager ~ ~ ~",
	"execute if biome ~10 ~ ~ minecraft:plains run summon cow",
	"execute if dimension minecraft:overworld run summon zombie ~ ~ ~",
	"execute unless loaded ~ ~ ~ run say ok",
	"execute unless biome ~10 ~ ~ minecraft:forest run say ok",
	"execute if score @s A = @s B",
	"execute if score @s coins matches 100.. run give @s diamond",
	"execute unless score @s test = @s test run say Score is reset",
	"execute if entity @a[gamemode=survival] run effect give @a[gamemode=survival] regeneration 5 1",
	"execute unless entity @e[type=creeper,distance=..10] run summon creeper ~ ~ ~10",
	"execute if block ~ ~ ~ water run say My feet are soaked!",
	"execute if block ~ ~-1 ~ minecraft:grass_block[snowy=false] run setblock ~ ~-1 ~ diamond_block",
	"execute if blocks ~ ~ ~ ~5 ~5 ~5 0 64 0 all run say same",
	"execute if data entity @s Inventory[{Slot:0b}] run clear @s diamond",
	"execute if data storage tikcraft:state wins run say stored",
	"execute if data block ~ ~-1 ~ Items run say chest",
	"execute if function demo:foo run return run function demo:bar",
	"execute if predicate {condition: weather_check, raining: true} run weather clear",
	"execute if items entity @s weapon.mainhand mace run effect give @s strength 10 1",
	"execute as @a if items entity @s weapon.mainhand potion run item modify entity @s weapon.mainhand betterpotions:stack_4",
	"execute if items block ~ ~ ~ container.0 minecraft:diamond run say diamonds",
	"execute if items entity @s armor.* *[enchantments~[{enchantments:\"minecraft:thorns\"}]] run say thorny",
	"execute as @a[distance=0..4] at @s if items entity @s weapon.mainhand wooden_sword run item replace entity @s weapon.mainhand with stone_sword",
	"execute store result score @s foo run data get entity @s foodSaturationLevel",
	"execute store result score #temp global run data get storage global foo",
	"execute as @e[type=pig] at @s store success entity @s Saddle byte 1 if entity @p[distance=..5]",
	"execute store result block ~ ~ ~ Items[0].count byte 1 run clear @p diamond 0",
	"execute store result bossbar tikcraft:goal value run scoreboard players get #likes likes",
	"execute store result storage tikcraft:s count int 1 run summon zombie",
	"execute store success score @s ok run summon creeper ~ ~ ~",
	"execute store result score @s smithed.data run clear @s #smithed:crafter/all 0",
	"execute summon minecraft:marker run tag @s add spot",
	"execute summon zombie run data merge entity @s {IsBaby:1b}",
	"execute as @a at @s run execute as @e[type=cow,distance=..5] run summon lightning_bolt ~ ~ ~",
	"execute as @a at @s anchored eyes positioned ^ ^ ^2 run particle minecraft:flame ~ ~ ~ 0.2 0.2 0.2 0.01 20",
	"execute if entity @s[type=minecraft:player,nbt={SelectedItem:{id:'minecraft:diamond_sword'}}] run effect give @s minecraft:strength 10 1",
	"execute at @e[type=armor_stand,name=\"ctf\",tag=!FlagBearer] run particle block_marker{block_state:\"minecraft:barrier\"} ~ ~.8 ~ 0 0 0 0 1 force",
	"return run summon creeper",
	"return 1",
	"return fail",

	// Items.
	"item replace block ~ ~2 ~ container.26 with minecraft:spruce_sapling 4",
	"item replace entity @p hotbar.8 with minecraft:spruce_sapling 4",
	"item replace entity @s weapon.offhand from entity @s weapon.mainhand",
	"item replace entity @a armor.head with carved_pumpkin",
	"item replace entity @a armor.chest with elytra[enchantments={unbreaking:3}]",
	"item modify entity @s weapon.mainhand tikcraft:enchant",
	"loot give @a loot minecraft:chests/simple_dungeon",

	// Effects, particles, sounds, enchantments.
	"effect give @s minecraft:resistance 1000000 4 true",
	"effect give @p minecraft:speed 60 1",
	"effect give @a mining_fatigue 30 2",
	"effect give @a jump_boost 10 5",
	"effect give @a instant_health 1 1",
	"effect give @a unluck 60",
	"effect give @a dolphins_grace 60",
	"effect give @a hero_of_the_village 600 1",
	"effect give @a darkness 10",
	"effect give @a levitation 3 2 true",
	"effect clear @a minecraft:haste",
	"effect clear @e[type=zombie]",
	"effect clear @a",
	"particle dust 1.0 0.5 0.5 1.0",
	"particle minecraft:dust{color:[1.0,0.0,0.0],scale:1.0} ~ ~1 ~ 0.5 0.5 0.5 0 100",
	"particle dust_color_transition{from_color:[1.0,0.0,0.0],to_color:[0.0,0.0,1.0],scale:1.0} ~ ~ ~",
	"particle block minecraft:grass_block[snowy=true]",
	"particle minecraft:block{block_state: {Name: \"minecraft:redstone_lamp\", Properties: {lit: \"true\"}}}",
	"particle item{item:\"minecraft:diamond\"} ~ ~1 ~ 0.3 0.3 0.3 0.05 30",
	"particle minecraft:entity_effect{color:[1.0,0.0,0.0,1.0]} ~ ~1 ~ 0.5 0.5 0.5 1 20",
	"particle sculk_charge 1.5707",
	"particle shriek 100",
	"particle minecraft:explosion_emitter ~ ~ ~",
	"particle heart ~ ~2 ~ 0.5 0.5 0.5 0 10 force @a",
	"particle happy_villager ~ ~1 ~ 1 1 1 0 50",
	"particle totem_of_undying ~ ~1 ~ 1 1 1 0.5 200",
	"particle sonic_boom ~ ~1 ~",
	"particle sweep_attack ^ ^ ^1 0 0 0 0.01 1 force",
	"playsound minecraft:entity.generic.explode master @a ~ ~ ~ 1 1",
	"playsound entity.player.levelup player @a",
	"playsound ui.toast.challenge_complete master @a ~ ~ ~ 1 1 1",
	"playsound minecraft:entity.wither.spawn hostile @a",
	"playsound block.note_block.pling record @a ~ ~ ~ 2 2",
	"playsound minecraft:entity.ender_dragon.growl master @p",
	"playsound entity.lightning_bolt.thunder weather @a",
	"playsound event.raid.horn master @a",
	"playsound resource:custom.weapon.sword master @a ~ ~ ~ 1.0 1.0",
	"playsound mypack:music.intro music @a",
	"stopsound @a master minecraft:entity.wither.spawn",
	"enchant @a infinity",
	"enchant @p sharpness 5",
	"enchant @p minecraft:binding_curse",
	"enchant @a vanishing_curse",
	"enchant @s sweeping_edge 3",

	// Other commands and spellings.
	"weather clear 1200",
	"weather rain 10t",
	"time add 24000t",
	"difficulty hard",
	"gamerule keepInventory true",
	"gamemode survival @a",
	"xp add @a 100 levels",
	"experience add @a 5 levels",
	"attribute @s minecraft:max_health base set 40",
	"damage @p 5 minecraft:magic",
	"spawnpoint @a ~ ~ ~",
	"setworldspawn 0 64 0",
	"worldborder set 100 10",
	"locate structure village",
	"place template minecraft:fossil/spine_1 ~ ~ ~ clockwise_90 left_right",
	"clone ~ ~ ~ ~10 ~10 ~10 0 0 0 masked",
	"fillbiome ~ ~ ~ ~16 ~16 ~16 minecraft:deep_dark",
	"ride @s mount @e[type=pig,limit=1,sort=nearest]",
	"random value 1..6",
	"tick rate 40",
	"transfer mc.example.com 25565 @a",
	"tellraw @a {\"text\":\"Follower # 1\"}",
	"data merge entity @e[type=zombie,limit=1,sort=nearest] {HandDropChances: [0f, 0.8f]}",
	"data modify block 1 64 1 Items[0].id set value \"minecraft:diamond_block\"",
	"schedule function tikcraft:later 5s",
	"recipe give @a *",
	"advancement grant @a everything",
	"whitelist add {user}",
	"op Notch",
	"list",
	"reload",
	"seed",
	"help summon",
	"trigger vote set 1",
	"teammsg hello",
	"tm hi",
	"w @p psst",
	"ban-ip 127.0.0.2",
	"save-all flush",
	"datapack enable \"file/tikcraft\"",
	"kill @e[type=tnt]",

	// Mods, data packs and plugins: another namespace is theirs.
	"summon alexsmobs:crow ~ ~ ~",
	"give @a create:wrench",
	"setblock ~ ~ ~ mymod:magic_block[lit=true]",
	"effect give @a mymod:frozen 10",
	"particle mymod:sparkle ~ ~ ~",
	"enchant @p mymod:lifesteal 2",
	"essentials:give @a diamond",
	"execute as @a run mymod:heal @s",

	// Placeholders and macros stand for names tikcraft cannot know.
	"summon {message} ~ ~ ~",
	"give @a {gift}_spawn_egg",
	"give @a diamond {count}",
	"summon $(mob) ~ ~ ~",
	"give @a $(item) 1",
}

// namesFor are the name sets the valid commands are checked against:
// every release from 1.21 on, and all releases together (no
// minecraft.version).
func namesFor(t *testing.T) map[string]*Names {
	t.Helper()
	out := map[string]*Names{"(all)": For("")}
	for _, v := range Versions() {
		if compareVersions(v, "1.21") >= 0 {
			out[v] = For(v)
		}
	}
	return out
}

func TestValidCommandsPass(t *testing.T) {
	for v, n := range namesFor(t) {
		for _, c := range validCommands {
			if probs := n.Check(c); len(probs) > 0 {
				t.Errorf("%s: %q: %+v", v, c, probs)
			}
		}
	}
}

// Each release knows its own new names, and a name a later release
// dropped or renamed still passes on the releases that have it.
func TestVersionSpecificNames(t *testing.T) {
	for _, tc := range []struct {
		version, command string
		ok               bool
	}{
		{"1.20.4", "summon breeze", true}, // experimental in 1.20.3 and 1.20.4, but registered
		{"1.20.2", "summon breeze", false},
		{"1.20.4", "give @a mace", false},
		{"1.20.5", "give @a mace", true},
		{"1.21.1", "summon boat", true},
		{"1.21.2", "summon boat", false},
		{"1.21.2", "summon oak_boat", true},
		{"1.21.1", "summon oak_boat", false},
		{"1.20.4", "give @a scute", true},
		{"1.21", "give @a turtle_scute", true},
		{"1.21", "give @a scute", false},
		{"1.20.4", "enchant @p sweeping 2", true},
		{"1.21", "enchant @p sweeping 2", false},
		{"1.21", "enchant @p sweeping_edge 2", true},
		{"1.20.2", "setblock ~ ~ ~ grass", true},
		{"1.20.3", "setblock ~ ~ ~ grass", false},
		{"1.20.3", "setblock ~ ~ ~ short_grass", true},
		{"1.21.8", "give @a chain", true},
		{"1.21.9", "give @a chain", false},
		{"1.21.9", "give @a iron_chain", true},
		{"1.21.4", "summon potion", true},
		{"1.21.5", "summon splash_potion", true},
		{"1.21.5", "summon potion", false},
		{"1.21.11", "effect give @a breath_of_the_nautilus 10", true},
		{"1.21.4", "effect give @a breath_of_the_nautilus 10", false},
		{"1.21.6", "summon happy_ghast", true},
		{"1.21.9", "summon copper_golem", true},
		{"26.1", "summon nautilus", true},
		// Root commands added after minecraft-data's trees.
		{"1.20.1", "random value 1..6", false},
		{"1.20.2", "random value 1..6", true},
		{"1.20.2", "tick freeze", false},
		{"1.20.3", "tick freeze", true},
		{"1.20.4", "transfer example.com", false},
		{"1.20.5", "transfer example.com", true},
		{"1.21.1", "rotate @s 0 0", false},
		{"1.21.2", "rotate @s 0 0", true},
		{"1.21.4", "test run all", false},
		{"1.21.5", "test run all", true},
		{"1.21.5", "dialog clear @a", false},
		{"1.21.6", "dialog clear @a", true},
		{"1.21.6", "waypoint list", true},
		{"1.21.6", "version", true},
		{"1.21.8", "fetchprofile name Notch", false},
		{"1.21.9", "fetchprofile name Notch", true},
		{"1.21.10", "stopwatch create tikcraft:t", false},
		{"1.21.11", "stopwatch create tikcraft:t", true},
		{"26.1", "swing @s", true},
		{"26.1", "stopwatch create tikcraft:t", true},
		// Without a version every release's names pass.
		{"", "summon boat", true},
		{"", "give @a scute", true},
		{"", "summon nautilus", true},
		{"", "swing @s", true},
	} {
		probs := For(tc.version).Check(tc.command)
		if got := len(probs) == 0; got != tc.ok {
			t.Errorf("%q in %q: ok=%v, want %v (%+v)", tc.command, tc.version, got, tc.ok, probs)
		}
	}
}

// typos are misspelt names with where the word starts and the first
// suggestion.
var typos = []struct {
	command string
	offset  int
	word    string
	kind    Kind
	suggest string
}{
	{"summn creeper ~ ~ ~", 0, "summn", Command, "summon"},
	{"sumon zombie", 0, "sumon", Command, "summon"},
	{"execute at @a run summn creeper", 18, "summn", Command, "summon"},
	{"tellrw @a \"hi\"", 0, "tellrw", Command, "tellraw"},
	{"efect give @a speed", 0, "efect", Command, "effect"},
	{"excute as @a run say hi", 0, "excute", Command, "execute"},
	{"gamemod creative @a", 0, "gamemod", Command, "gamemode"},
	{"summon creper ~ ~ ~", 7, "creper", Entity, "creeper"},
	{"summon minecraft:creper ~ ~ ~", 7, "minecraft:creper", Entity, "creeper"},
	{"execute at @a run summon creper ~ ~ ~3", 25, "creper", Entity, "creeper"},
	{"execute as @a at @s positioned ~ ~2 ~ run summon zombi ~ ~ ~", 49, "zombi", Entity, "zombie"},
	{"execute as @a at @s if entity @s[type=player] run execute at @s run summon wither_skeleon", 75, "wither_skeleon", Entity, "wither_skeleton"},
	{"execute summon zomble run say hi", 15, "zomble", Entity, "zombie"},
	{"summon breez ~ ~ ~", 7, "breez", Entity, "breeze"},
	{"summon lightning ~ ~ ~", 7, "lightning", Entity, "lightning_bolt"},
	{"summon ender_dragn ~ ~20 ~", 7, "ender_dragn", Entity, "ender_dragon"},
	{"give @a diamon_sword 1", 8, "diamon_sword", Item, "diamond_sword"},
	{"give @a goldenapple 3", 8, "goldenapple", Item, "golden_apple"},
	{"give {user} minecraft:diamnod 3", 12, "minecraft:diamnod", Item, "diamond"},
	{"give @a diamond_swrod[enchantments={sharpness:5}]", 8, "diamond_swrod", Item, "diamond_sword"},
	{"give @a mase", 8, "mase", Item, "mace"},
	{"clear @a diamnd", 9, "diamnd", Item, "diamond"},
	{"item replace entity @s weapon.mainhand with diamnd_sword", 44, "diamnd_sword", Item, "diamond_sword"},
	{"item replace block ~ ~ ~ container.0 with stonee", 42, "stonee", Item, "stone"},
	{"execute if items entity @s weapon.mainhand diamnd_sword run say x", 43, "diamnd_sword", Item, "diamond_sword"},
	{"setblock ~ ~ ~ dimond_block", 15, "dimond_block", Block, "diamond_block"},
	{"setblock ~ ~ ~ chestt[facing=north]", 15, "chestt", Block, "chest"},
	{"fill ~-1 ~ ~-1 ~1 ~2 ~1 glas", 24, "glas", Block, "glass"},
	{"fill ~-1 ~ ~-1 ~1 ~2 ~1 air replace stonee", 36, "stonee", Block, "stone"},
	{"execute if block ~ ~-1 ~ gras_block run say x", 25, "gras_block", Block, "grass_block"},
	{"effect give @a speeed 10 1", 15, "speeed", Effect, "speed"},
	{"effect give @a minecraft:miningfatigue 10", 15, "minecraft:miningfatigue", Effect, "mining_fatigue"},
	{"effect give @a MiningFatigue 10", 15, "MiningFatigue", Effect, "mining_fatigue"},
	{"effect give @a jumpboost 10", 15, "jumpboost", Effect, "jump_boost"},
	{"effect clear @a regenration", 16, "regenration", Effect, "regeneration"},
	{"particle flme ~ ~ ~", 9, "flme", Particle, "flame"},
	{"particle minecraft:hearts ~ ~2 ~", 9, "minecraft:hearts", Particle, "heart"},
	{"particle totem ~ ~ ~", 9, "totem", Particle, "note"},
	{"playsound entity.creeper.primd master @a", 10, "entity.creeper.primd", Sound, "entity.creeper.primed"},
	{"playsound minecraft:entity.generic.explosion master @a", 10, "minecraft:entity.generic.explosion", Sound, "entity.generic.explode"},
	{"enchant @p sharpnes 5", 11, "sharpnes", Enchantment, "sharpness"},
	{"enchant @p minecraft:unbreakin 3", 11, "minecraft:unbreakin", Enchantment, "unbreaking"},
	{"summon Creeper", 7, "Creeper", Entity, "creeper"},
	{"Give @a diamond", 0, "Give", Command, "give"},
}

func TestTypos(t *testing.T) {
	n := For("1.21.4")
	for _, tc := range typos {
		probs := n.Check(tc.command)
		if len(probs) != 1 {
			t.Errorf("%q: %d problems, want 1: %+v", tc.command, len(probs), probs)
			continue
		}
		p := probs[0]
		if p.Offset != tc.offset || p.Word != tc.word || p.Kind != tc.kind || p.Warning {
			t.Errorf("%q: got %q (%v) at %d, warning %v; want %q (%v) at %d", tc.command, p.Word, p.Kind, p.Offset, p.Warning, tc.word, tc.kind, tc.offset)
		}
		if tc.command[p.Offset:p.Offset+len(p.Word)] != p.Word {
			t.Errorf("%q: offset %d does not point at %q", tc.command, p.Offset, p.Word)
		}
		if !slices.Contains(p.Suggestions, tc.suggest) || !strings.Contains(p.Message, tc.suggest) {
			t.Errorf("%q: suggestions %v, message %q; want %s", tc.command, p.Suggestions, p.Message, tc.suggest)
		}
	}
}

func TestMessages(t *testing.T) {
	for _, tc := range []struct {
		version, command, want string
		warning                bool
	}{
		{"1.21.4", "summn creeper", `unknown command "summn" in Minecraft 1.21.4; did you mean summon?`, false},
		{"1.21.4", "summon creper", `unknown entity type "creper" in Minecraft 1.21.4; did you mean creeper?`, false},
		{"", "summon creper", `unknown entity type "creper" in any Minecraft release from 1.20 to 26.1; did you mean creeper?`, false},
		{"1.21.4", "eco give {user} 10", `unknown command "eco" in Minecraft 1.21.4; if a server plugin adds it, write it with ! instead of / (!eco …)`, false},
		{"1.21.4", "summon frobnicator", `unknown entity type "frobnicator" in Minecraft 1.21.4; a mod's or data pack's entity type is written with its namespace (mymod:frobnicator)`, false},
		{"1.21.4", "summon Creeper", `"Creeper": Minecraft ids are lower case; write creeper`, false},
		{"1.21.4", "Say hi", `"Say": Minecraft commands are lower case; write say`, false},
		{"1.21.4", "minecraft:give @a diamond", `"minecraft:give" runs only on Paper, Spigot and other Bukkit-based servers; vanilla Minecraft knows it as give`, true},
	} {
		probs := For(tc.version).Check(tc.command)
		if len(probs) != 1 || probs[0].Message != tc.want || probs[0].Warning != tc.warning {
			t.Errorf("%q: got %+v\nwant %q (warning %v)", tc.command, probs, tc.want, tc.warning)
		}
	}
}

// "minecraft:summn" is wrong on every server: an error, not the warning.
func TestNamespacedCommandTypo(t *testing.T) {
	probs := For("1.21.4").Check("minecraft:summn creeper")
	if len(probs) != 1 || probs[0].Warning || !slices.Contains(probs[0].Suggestions, "summon") {
		t.Fatalf("got %+v", probs)
	}
	probs = For("1.21.4").Check("minecraft:summon creper")
	if len(probs) != 2 || !probs[0].Warning || probs[1].Word != "creper" {
		t.Fatalf("got %+v", probs)
	}
}

// Several names of one command are all reported, in order.
func TestSeveralProblems(t *testing.T) {
	probs := For("1.21.4").Check("execute summon zombi run execute at @s run summon creper")
	if len(probs) != 2 || probs[0].Word != "zombi" || probs[1].Word != "creper" {
		t.Fatalf("got %+v", probs)
	}
}

func TestTokenize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"summon creeper ~ ~ ~", []string{"summon", "creeper", "~", "~", "~"}},
		{"  give\t@a  diamond ", []string{"give", "@a", "diamond"}},
		{"kill @e[type=zombie, distance=..5]", []string{"kill", "@e[type=zombie, distance=..5]"}},
		{`summon zombie ~ ~ ~ {CustomName:'"Bob the zombie"'}`, []string{"summon", "zombie", "~", "~", "~", `{CustomName:'"Bob the zombie"'}`}},
		{`give @a stick[custom_name='{"text":"a b"}'] 1`, []string{"give", "@a", `stick[custom_name='{"text":"a b"}']`, "1"}},
		{`tellraw @a "a b c"`, []string{"tellraw", "@a", `"a b c"`}},
		{`say it's fine`, []string{"say", "it's", "fine"}},
		{`say "never closed here`, []string{"say", `"never`, "closed", "here"}},
		{`data get storage x "a \" b" 1`, []string{"data", "get", "storage", "x", `"a \" b"`, "1"}},
		{"say {a b} c", []string{"say", "{a b}", "c"}},
		{"say ] stray", []string{"say", "]", "stray"}},
		{"", nil},
	} {
		var got []string
		for _, tok := range tokenize(tc.in) {
			got = append(got, tc.in[tok.start:tok.end])
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("tokenize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCoordinates(t *testing.T) {
	for s, want := range map[string]int{
		"~": 1, "~1": 1, "~-1.5": 1, "^": 1, "^2": 1, "12": 1, "-3.5": 1, ".8": 1, "~.8": 1,
		"~~1~": 3, "~~": 2, "^^^": 3,
		"": 0, "@a": 0, "-": 0, "~-": 0, "stone": 0, "1a": 0, "~x": 0,
	} {
		if got := coordinates(s); got != want {
			t.Errorf("coordinates(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestExpect(t *testing.T) {
	n := For("1.21.4")
	for _, tc := range []struct {
		typed string
		kind  Kind
		start int
		ok    bool
	}{
		{"", Command, 0, true},
		{"sum", Command, 0, true},
		{"give", Command, 0, true},
		{"summon ", Entity, 7, true},
		{"summon cre", Entity, 7, true},
		{"summon minecraft:cr", Entity, 7, true},
		{"execute at @a run summon minecraft:cr", Entity, 25, true},
		{"execute as @a at @s run ", Command, 24, true},
		{"execute summon ", Entity, 15, true},
		{"give @a ", Item, 8, true},
		{"give {user} dia", Item, 12, true},
		{"clear @a ", Item, 9, true},
		{"item replace entity @s weapon.mainhand with ", Item, 44, true},
		{"setblock ~ ~ ~ ", Block, 15, true},
		{"fill ~ ~ ~ ~1 ~1 ~1 stone replace ", Block, 34, true},
		{"effect give @a ", Effect, 15, true},
		{"particle fl", Particle, 9, true},
		{"playsound ", Sound, 10, true},
		{"enchant @p ", Enchantment, 11, true},
		{"give ", 0, 5, false},
		{"give @a diamond_sword[", 0, 8, false},
		{"give @a diamond_sword[enchantments={", 0, 8, false},
		{"summon creeper ~ ", 0, 17, false},
		{"say hi ", 0, 7, false},
		{"setblock ~ ~ ", 0, 13, false},
		{"tellraw @a {\"text\":\"", 0, 11, false},
	} {
		k, start, ok := n.Expect(tc.typed)
		if ok != tc.ok || start != tc.start || ok && k != tc.kind {
			t.Errorf("Expect(%q) = %v, %d, %v; want %v, %d, %v", tc.typed, k, start, ok, tc.kind, tc.start, tc.ok)
		}
	}
}
