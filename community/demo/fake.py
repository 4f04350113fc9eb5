"""A fictional OSC: the one way the demo and the scale data make an organization.

``fake_osc(rng, place)`` returns what an OSC's admin would type into the registration form
(name, razón social, RFC with its check digit, CLUNI, deed, address, phone, web and mail,
activities of art. 5 LFFAROC, populations, mission, served municipalities), drawn only from
the random generator and the place, so the same generator gives the same OSCs.
``community.demo.profiles`` registers ~320 of them through the services;
``community.demo.scale`` writes tens of thousands of them directly for benchmarks.

Fictional on purpose: people and organizations are made up from common names; e-mail and web
addresses use the reserved ``.example`` top-level domain (RFC 2606), so no real mailbox or
site is ever named.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import select

from community.core.catalog import OTHER_STATE
from community.core.models import Municipality
from community.core.text import fold, slugify
from community.extensions import db
from community.profiles import validators as v

WEB_SUFFIX = ".org.mx.example"  # reserved TLD: looks like an OSC's domain, names nobody's

# --------------------------------------------------------------------------------------------
# What an OSC works on: its areas (art. 5 LFFAROC), populations, names and mission sentences
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cause:
    """One kind of OSC. The first area and population always apply; the rest may.

    Name templates use ``{place}`` (a municipality or city), ``{person}`` (a made-up name) and
    ``{people}`` (an indigenous people, only in ``indigenous_names``). Mission openings start
    in lower case and take ``{where}`` (" en Toluca" or ""), so that "Desde 1998, " can go
    in front.
    """

    key: str
    weight: float
    areas: tuple[str, ...]
    populations: tuple[str, ...]
    names: tuple[str, ...]
    purpose: str
    openings: tuple[str, ...]
    actions: tuple[str, ...]
    closings: tuple[str, ...]
    indigenous_names: tuple[str, ...] = ()


CAUSES: tuple[Cause, ...] = (
    Cause(
        "ninez", 10, ("I", "XIII", "II", "IX"), ("ninez", "familias", "adolescencia"),
        ("Fundación {person} para la Niñez", "Centro de Apoyo a la Niñez de {place}",
         "Colectivo Infancias de {place}", "Casa Hogar Nuestros Niños de {place}",
         "Asociación para el Desarrollo Infantil de {place}",
         "Red por los Derechos de la Infancia de {place}", "Pequeños Pasos {place}"),
        "la asistencia social a niñas, niños y adolescentes en situación de vulnerabilidad",
        ("acompañamos a niñas y niños{where} para que crezcan en entornos seguros, con juego, "
         "alimentación y escuela.",
         "trabajamos para que ninguna niña ni ningún niño{where} deje la escuela por falta de "
         "apoyo.",
         "defendemos el derecho de la infancia{where} a vivir libre de violencia."),
        ("Ofrecemos **tareas dirigidas** y talleres de lectura por las tardes.",
         "Damos desayunos nutritivos a las niñas y los niños que más lo necesitan.",
         "Capacitamos a madres, padres y docentes en crianza positiva y prevención del abuso.",
         "Canalizamos los casos de riesgo al DIF municipal y damos seguimiento a cada familia."),
        ("Creemos que una infancia protegida es la base de una comunidad en paz.",
         "Buscamos personas voluntarias que quieran compartir su tiempo."),
    ),
    Cause(
        "mujeres", 9, ("VI", "IX", "XIV", "IV"), ("mujeres", "familias"),
        ("Red de Mujeres de {place}", "Colectiva Violeta de {place}",
         "Centro de Apoyo a la Mujer {person}", "Fundación {person} por la Igualdad",
         "Mujeres que Transforman {place}", "Asociación para el Desarrollo de la Mujer de {place}",
         "Red de Mujeres por una Vida Libre de Violencia de {place}"),
        "la promoción de la equidad de género y la defensa de los derechos de las mujeres",
        ("acompañamos a mujeres{where} que viven violencia para que recuperen su autonomía.",
         "promovemos la igualdad entre mujeres y hombres{where} desde la casa, la escuela y el "
         "trabajo.",
         "somos una red de mujeres{where} que se organizan para defender sus derechos."),
        ("Damos **asesoría jurídica y psicológica gratuita** y acompañamos denuncias.",
         "Impartimos talleres de autoempleo, finanzas personales y liderazgo.",
         "Formamos promotoras comunitarias que detectan y previenen la violencia.",
         "Operamos una línea de escucha y un refugio temporal en coordinación con el "
         "municipio."),
        ("Ninguna mujer debería enfrentar la violencia sola.",
         "Trabajamos en red con otras organizaciones de la región."),
    ),
    Cause(
        "discapacidad", 7, ("VII", "I", "XI", "XIII"), ("discapacidad", "familias", "ninez"),
        ("Centro de Apoyo para la Inclusión de {place}", "Fundación Sin Barreras {place}",
         "Asociación de Familias por la Inclusión de {place}",
         "Colectivo Manos que Hablan de {place}", "Centro de Rehabilitación Integral {person}",
         "Red de Familias por el Autismo de {place}"),
        "la atención a personas con discapacidad y el apoyo a sus familias",
        ("trabajamos por la inclusión plena de las personas con discapacidad{where}.",
         "acompañamos a familias{where} que tienen un integrante con discapacidad.",
         "promovemos la accesibilidad y el respeto a los derechos de las personas con "
         "discapacidad{where}."),
        ("Ofrecemos **terapia física y de lenguaje** a bajo costo.",
         "Enseñamos Lengua de Señas Mexicana a familias, docentes y servidores públicos.",
         "Gestionamos sillas de ruedas, aparatos auditivos y credenciales de discapacidad.",
         "Impulsamos la inclusión laboral con talleres y vinculación con empresas."),
        ("La discapacidad no está en la persona sino en las barreras del entorno.",
         "Todas nuestras actividades son gratuitas para las familias."),
    ),
    Cause(
        "mayores", 6, ("I", "XI", "XIII"), ("personas_mayores", "familias"),
        ("Casa de Día para Personas Mayores de {place}", "Fundación Años Dorados de {place}",
         "Asociación {person} para las Personas Mayores", "Colectivo Vida Plena de {place}",
         "Red de Abuelas y Abuelos de {place}"),
        "la asistencia social y la atención integral de las personas adultas mayores",
        ("cuidamos y acompañamos a personas mayores{where} para que vivan con dignidad.",
         "promovemos un envejecimiento activo y saludable{where}."),
        ("Nuestra **casa de día** ofrece comida caliente, activación física y compañía.",
         "Organizamos talleres de memoria, manualidades y baile.",
         "Visitamos a personas mayores que viven solas y las acercamos a servicios de salud.",
         "Orientamos a las familias sobre cuidados, pensiones y trámites."),
        ("Las personas mayores tienen mucho que enseñarnos.",
         "Recibimos donativos en especie de medicamentos y alimentos."),
    ),
    Cause(
        "salud", 8, ("XI", "I", "II"), ("enfermedad", "comunidad", "familias"),
        ("Fundación {person} contra el Cáncer", "Centro de Apoyo a Pacientes Renales de {place}",
         "Asociación para la Prevención de la Diabetes de {place}",
         "Red de Salud Comunitaria de {place}", "Colectivo Salud Mental {place}",
         "Unidos por la Salud de {place}"),
        "la promoción y aportación de servicios para la atención de la salud",
        ("acercamos servicios de salud a quienes menos acceso tienen{where}.",
         "acompañamos a pacientes con enfermedades crónicas{where} y a sus familias.",
         "promovemos la prevención y la detección oportuna de enfermedades{where}."),
        ("Realizamos **jornadas de detección** de diabetes, hipertensión y cáncer de mama.",
         "Apoyamos con traslados, medicamentos y estudios a pacientes de escasos recursos.",
         "Formamos grupos de apoyo para pacientes y personas cuidadoras.",
         "Damos pláticas de nutrición y salud mental en escuelas y centros comunitarios."),
        ("La salud es un derecho, no un privilegio.",
         "Trabajamos en coordinación con los centros de salud de la zona."),
    ),
    Cause(
        "ambiente", 7, ("XII", "VIII", "XIII"), ("comunidad", "juventudes"),
        ("Colectivo Tierra Viva de {place}", "Fundación Bosque Vivo {place}",
         "Asociación para el Desarrollo Sustentable de {place}",
         "Red Ciudadana por el Agua de {place}", "Guardianes de los Bosques de {place}",
         "Centro de Educación Ambiental {person}"),
        "la protección del ambiente, la flora y la fauna y la promoción del desarrollo "
        "sustentable",
        ("cuidamos los bosques, el agua y los suelos{where}.",
         "promovemos una relación respetuosa con la naturaleza{where}.",
         "impulsamos soluciones comunitarias al cambio climático{where}."),
        ("Organizamos **jornadas de reforestación** con escuelas y vecinos.",
         "Instalamos captadores de agua de lluvia en viviendas y escuelas.",
         "Damos talleres de separación de residuos, composta y huertos.",
         "Monitoreamos la calidad del agua de ríos y barrancas con voluntarios."),
        ("El cuidado del ambiente empieza en cada casa.",
         "Cada temporada de lluvias plantamos miles de árboles nativos."),
    ),
    Cause(
        "animales", 3, ("XII",), ("comunidad",),
        ("Protección Animal {place}", "Patitas de {place}",
         "Asociación Protectora de Animales de {place}", "Refugio Huellitas {person}"),
        "la protección de la fauna y el bienestar de los animales de compañía",
        ("rescatamos y cuidamos animales en situación de calle{where}.",
         "promovemos la tenencia responsable de animales de compañía{where}."),
        ("Realizamos **campañas de esterilización** a bajo costo.",
         "Damos en adopción responsable a perros y gatos rehabilitados.",
         "Visitamos escuelas para enseñar respeto y cuidado a los animales."),
        ("Adoptar es un acto de amor.",),
    ),
    Cause(
        "educacion", 9, ("XIII", "VIII", "III"), ("ninez", "juventudes", "adolescencia"),
        ("Centro de Apoyo Educativo {person}", "Fundación Leer para Crecer de {place}",
         "Colectivo Arte y Cultura de {place}", "Asociación para el Desarrollo Educativo de "
         "{place}", "Biblioteca Comunitaria {person}", "Casa de Cultura Independiente de {place}"),
        "la promoción y el fomento educativo, cultural, artístico, científico y tecnológico",
        ("acercamos la lectura, el arte y la ciencia a niñas, niños y jóvenes{where}.",
         "creemos que la educación y la cultura transforman comunidades{where}.",
         "abrimos espacios de aprendizaje gratuitos{where}."),
        ("Tenemos una **biblioteca comunitaria** y un club de lectura semanal.",
         "Damos clases de música, teatro y artes plásticas.",
         "Ofrecemos asesoría para concluir la primaria y la secundaria.",
         "Organizamos ferias de ciencia y talleres de programación."),
        ("La cultura es un derecho de todas las personas.",
         "Nuestras actividades son abiertas y gratuitas."),
    ),
    Cause(
        "juventudes", 6, ("X", "XVIII", "XIII"), ("juventudes", "adolescencia"),
        ("Jóvenes en Movimiento de {place}", "Colectivo Juventudes de {place}",
         "Fundación Deporte para Todos {place}", "Asociación Deportiva Comunitaria de {place}",
         "Red de Jóvenes por la Paz de {place}"),
        "la promoción del deporte y el fortalecimiento del tejido social entre las juventudes",
        ("abrimos oportunidades para adolescentes y jóvenes{where} a través del deporte y la "
         "cultura.",
         "trabajamos con juventudes{where} para prevenir la violencia y las adicciones."),
        ("Organizamos **ligas de fútbol y básquetbol** en canchas recuperadas.",
         "Formamos jóvenes líderes que organizan actividades en su colonia.",
         "Damos orientación vocacional y vinculamos con becas y empleos.",
         "Recuperamos espacios públicos con murales y torneos."),
        ("Una cancha iluminada es una colonia más segura.",),
    ),
    Cause(
        "indigenas", 3, ("V", "VIII", "XIII", "VI"), ("indigenas", "mujeres", "comunidad"),
        ("Asociación para el Desarrollo de los Pueblos Originarios de {place}",
         "Red de Mujeres Indígenas de {place}", "Fundación Raíces de {place}"),
        "el apoyo para el desarrollo de los pueblos y comunidades indígenas",
        ("acompañamos a comunidades indígenas{where} en la defensa de su lengua, su cultura y "
         "su territorio.",
         "impulsamos el desarrollo de los pueblos originarios{where} con respeto a sus "
         "formas de organización."),
        ("Apoyamos a **artesanas y artesanos** para vender sus textiles a precio justo.",
         "Damos clases de lengua originaria a niñas, niños y jóvenes.",
         "Acompañamos trámites agrarios y de identidad con traductoras comunitarias.",
         "Impulsamos proyectos productivos de maíz criollo y hortalizas."),
        ("Nuestra lengua es nuestra memoria.",),
        ("Consejo de Artesanas {people} de {place}", "Colectivo {people} de {place}",
         "Fundación Raíces {people}"),
    ),
    Cause(
        "alimentacion", 5, ("II", "I", "VIII"), ("familias", "comunidad", "ninez"),
        ("Banco de Alimentos de {place}", "Comedor Comunitario {person}",
         "Red Solidaria contra el Hambre de {place}", "Cocina Comunitaria de {place}"),
        "el apoyo a la alimentación popular",
        ("llevamos alimento a las familias que más lo necesitan{where}.",
         "combatimos el hambre y el desperdicio de alimentos{where}."),
        ("Rescatamos alimentos de mercados y tiendas y los entregamos en **despensas**.",
         "Nuestro comedor sirve comidas calientes de lunes a viernes.",
         "Enseñamos a cocinar platillos nutritivos y económicos."),
        ("Nadie debería irse a dormir con hambre.",),
    ),
    Cause(
        "derechos", 5, ("IX", "IV", "XVIII"), ("comunidad", "privadas_libertad", "familias"),
        ("Centro de Derechos Humanos {person}", "Colectivo por la Justicia de {place}",
         "Despacho Jurídico Comunitario de {place}",
         "Observatorio de Derechos Humanos de {place}", "Red de Familias Buscadoras de {place}"),
        "la defensa y promoción de los derechos humanos y la asistencia jurídica",
        ("defendemos los derechos humanos de las personas{where}, en especial de quienes no "
         "pueden pagar un abogado.",
         "acompañamos a víctimas y a sus familias{where} en la búsqueda de verdad y justicia."),
        ("Damos **asesoría jurídica gratuita** en materia familiar, penal y laboral.",
         "Documentamos violaciones a derechos humanos y las presentamos ante las autoridades.",
         "Impartimos talleres sobre derechos y cómo presentar una queja."),
        ("Los derechos humanos no se negocian.",),
    ),
    Cause(
        "comunitario", 8, ("VIII", "XIV", "XII"), ("comunidad", "mujeres", "familias"),
        ("Asociación para el Desarrollo Comunitario de {place}",
         "Red de Economía Solidaria de {place}", "Mujeres Emprendedoras de {place}",
         "Fundación Progreso Rural de {place}", "Centro de Apoyo a Productores de {place}",
         "Colectivo Huertos Urbanos de {place}"),
        "la cooperación para el desarrollo comunitario y el fomento de la economía popular",
        ("impulsamos el desarrollo de las comunidades{where} desde sus propias capacidades.",
         "fortalecemos la economía de las familias{where} con proyectos productivos."),
        ("Damos **microcréditos** y capacitación a pequeños negocios familiares.",
         "Organizamos tianguis de productores locales.",
         "Acompañamos la formación de cajas de ahorro comunitarias.",
         "Instalamos huertos de traspatio y granjas familiares."),
        ("Creemos en el trabajo colectivo.",
         "Lo que se produce en la comunidad se queda en la comunidad."),
    ),
    Cause(
        "civica", 4, ("III", "XVIII", "IX"), ("comunidad", "juventudes"),
        ("Observatorio Ciudadano de {place}", "Colectivo Participación Ciudadana de {place}",
         "Red Vecinal por la Seguridad de {place}",
         "Asociación para el Desarrollo Democrático de {place}", "Iniciativa Ciudadana {place}"),
        "la promoción de la participación ciudadana en asuntos de interés público",
        ("promovemos que la ciudadanía{where} participe en las decisiones públicas.",
         "vigilamos que los recursos públicos{where} se usen con transparencia."),
        ("Damos seguimiento a las sesiones de **cabildo** y publicamos lo que se acuerda.",
         "Organizamos comités vecinales y mesas de diálogo con autoridades.",
         "Hacemos solicitudes de información pública y compartimos los resultados."),
        ("Una ciudadanía informada exige mejores gobiernos.",),
    ),
    Cause(
        "proteccion_civil", 2, ("XV", "XI"), ("comunidad",),
        ("Brigada de Rescate y Protección Civil de {place}",
         "Grupo Voluntario de Emergencias de {place}", "Cuerpo de Voluntarios de Rescate {place}"),
        "la participación en acciones de protección civil",
        ("apoyamos a la población{where} antes, durante y después de una emergencia.",),
        ("Impartimos cursos de **primeros auxilios** y evacuación en escuelas y empresas.",
         "Participamos en la atención de inundaciones, sismos e incendios forestales.",
         "Formamos brigadas vecinales de protección civil."),
        ("Prevenir es la mejor forma de proteger la vida.",),
    ),
    Cause(
        "fortalecimiento", 3, ("XVI", "III"), ("comunidad",),
        ("Red de Organizaciones Civiles de {place}",
         "Centro de Fortalecimiento de la Sociedad Civil {person}",
         "Alianza de Organizaciones Sociales de {place}"),
        "la prestación de servicios de apoyo a la creación y fortalecimiento de "
        "organizaciones de la sociedad civil",
        ("fortalecemos a las organizaciones de la sociedad civil{where} para que cumplan mejor "
         "su misión.",),
        ("Asesoramos la **constitución legal** de nuevas asociaciones y la obtención de la CLUNI.",
         "Damos talleres de procuración de fondos, contabilidad y transparencia.",
         "Articulamos a las organizaciones de la región con gobierno, empresas y academia."),
        ("Una sociedad civil fuerte hace un estado más justo.",),
    ),
    Cause(
        "consumidores", 1, ("XVII", "IV"), ("comunidad", "familias"),
        ("Asociación de Consumidores de {place}", "Defensa Ciudadana del Consumidor {place}"),
        "la promoción y defensa de los derechos de los consumidores",
        ("defendemos los derechos de los consumidores{where}.",),
        ("Orientamos sobre **cobros indebidos** de luz, agua, telefonía y créditos.",
         "Acompañamos quejas ante la Procuraduría Federal del Consumidor."),
        ("Un consumidor informado es un consumidor protegido.",),
    ),
    Cause(
        "calle", 3, ("I", "XI", "II"), ("situacion_calle", "enfermedad", "juventudes"),
        ("Casa de Acogida {person}", "Centro de Apoyo a Personas en Situación de Calle de "
         "{place}", "Fundación Nueva Vida de {place}", "Centro de Rehabilitación Renacer {place}"),
        "la asistencia social a personas en situación de calle y con problemas de adicciones",
        ("acompañamos a personas en situación de calle{where} en su camino de regreso a una "
         "vida digna.",
         "ayudamos a personas con problemas de adicciones{where} y a sus familias."),
        ("Ofrecemos **albergue nocturno**, regaderas y comida caliente.",
         "Tenemos grupos de ayuda mutua y atención psicológica.",
         "Acompañamos la obtención de documentos de identidad y empleo."),
        ("Nadie está de más en nuestra comunidad.",),
    ),
    Cause(
        "migrantes", 2, ("IX", "I", "IV"), ("migrantes", "familias"),
        ("Casa del Migrante de {place}", "Red de Apoyo a Personas Migrantes de {place}"),
        "la defensa de los derechos humanos y la asistencia a personas migrantes",
        ("recibimos y orientamos a personas migrantes que cruzan{where} rumbo al norte.",),
        ("Damos **alimento, atención médica y descanso** a quienes viajan en tren.",
         "Orientamos sobre derechos, asilo y regularización migratoria.",
         "Documentamos agresiones y acompañamos denuncias."),
        ("Migrar es un derecho humano.",),
    ),
    Cause(
        "diversidad", 2, ("IX", "VI", "XI"), ("lgbtiq", "juventudes"),
        ("Colectivo Diversidad de {place}", "Red por la Diversidad Sexual de {place}",
         "Casa de la Diversidad {place}"),
        "la defensa de los derechos humanos de las personas LGBTIQ+",
        ("defendemos los derechos de las personas LGBTIQ+{where}.",
         "trabajamos por una comunidad libre de discriminación{where}."),
        ("Ofrecemos **acompañamiento psicológico** y grupos de apoyo.",
         "Damos pruebas gratuitas de VIH y orientación en salud sexual.",
         "Capacitamos a escuelas y centros de trabajo en inclusión."),
        ("El amor no discrimina.",),
    ),
)
CAUSES_BY_KEY = {c.key: c for c in CAUSES}

# Indigenous peoples of the Estado de México by municipality, for names and cause weights.
INDIGENOUS_PEOPLES = {
    **dict.fromkeys(("15074", "15124", "15014", "15042", "15114", "15032", "15111", "15064",
                     "15085", "15048"), "Mazahuas"),
    **dict.fromkeys(("15087", "15001", "15047", "15056", "15026", "15003", "15067", "15115",
                     "15106"), "Otomíes"),
    "15086": "Matlatzincas", "15063": "Tlahuicas", "15099": "Nahuas", "15009": "Nahuas",
}
# Where the freight train passes: migrants' shelters are there.
MIGRANT_ROUTE = {"15035", "15109", "15024", "15033", "15104", "15121", "15095"}

LEGAL_SUFFIXES = {"AC": "A.C.", "IAP": "I.A.P.", "IBP": "I.B.P.", "SC": "S.C."}
ASSISTANCE_AREAS = {"I", "II", "VII", "XI"}

FIRST_NAMES = (
    "María", "Guadalupe", "Juana", "Margarita", "Verónica", "Leticia", "Rosa", "Patricia",
    "Elena", "Teresa", "Alejandra", "Adriana", "Gabriela", "Claudia", "Araceli", "Silvia",
    "Beatriz", "Norma", "Yolanda", "Martha", "Sofía", "Fernanda", "Ximena", "Itzel",
    "José", "Juan", "Miguel", "Francisco", "Jesús", "Antonio", "Alejandro", "Pedro", "Manuel",
    "Ricardo", "Roberto", "Fernando", "Javier", "Arturo", "Sergio", "Raúl", "Eduardo", "Héctor",
    "Emiliano", "Santiago", "Diego", "Luis", "Jorge", "Carlos",
)
SURNAMES = (
    "Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez",
    "Ramírez", "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Reyes", "Jiménez", "Torres",
    "Díaz", "Gutiérrez", "Ruiz", "Mendoza", "Aguilar", "Ortiz", "Moreno", "Castillo", "Romero",
    "Álvarez", "Méndez", "Chávez", "Rivera", "Juárez", "Ramos", "Domínguez", "Herrera",
    "Medina", "Castro", "Vargas", "Guzmán", "Velázquez", "Rojas", "Contreras", "Salazar",
    "Villagómez", "Alcántara", "Becerril", "Colín", "Arriaga", "Albarrán", "Garduño",
    "Mondragón", "Sotelo", "Valdés", "Carbajal", "Nava", "Pichardo", "Estrada", "Monroy",
)
STREETS = (
    "Hidalgo", "Morelos", "Benito Juárez", "Ignacio Allende", "5 de Mayo", "16 de Septiembre",
    "Independencia", "Reforma", "Emiliano Zapata", "Francisco I. Madero", "Nicolás Bravo",
    "Guadalupe Victoria", "Vicente Guerrero", "Aldama", "Matamoros", "Insurgentes",
    "Constitución", "Revolución", "Las Flores", "Los Pinos", "Fresnos", "Jacarandas",
    "Sor Juana Inés de la Cruz", "Josefa Ortiz de Domínguez", "Leona Vicario", "Lerdo de Tejada",
    "Adolfo López Mateos", "Primero de Mayo", "Niños Héroes", "Pino Suárez", "Cuauhtémoc",
)
STREET_KINDS = ("Calle", "Calle", "Calle", "Av.", "Av.", "Privada", "Andador", "Cerrada")
COLONIAS = (
    "Centro", "San Lorenzo", "La Magdalena", "El Carmen", "San Isidro", "Guadalupe",
    "Las Américas", "Benito Juárez", "Valle Verde", "Santa Cruz", "San Miguel", "Ejidal",
    "Barrio de San Juan", "Independencia", "Emiliano Zapata", "La Providencia", "Granjas",
    "Reforma", "San Sebastián", "Santa María", "Lomas de San Juan", "Jardines del Valle",
    "Las Palmas", "El Mirador", "San Pedro", "La Loma", "Vicente Guerrero", "Ampliación Centro",
)
PHONE_PREFIXES_CENTRES = {
    "722": (19.29, -99.65), "712": (19.80, -99.88), "726": (19.19, -100.13),
    "714": (18.96, -99.59), "724": (18.90, -100.15), "716": (19.04, -100.04),
    "721": (18.85, -99.68), "713": (19.18, -99.47), "728": (19.28, -99.51),
    "717": (19.10, -99.59), "711": (19.80, -100.13), "761": (19.95, -99.53),
    "591": (19.80, -99.10), "594": (19.69, -98.86), "592": (19.70, -98.76),
    "595": (19.51, -98.88), "597": (19.12, -98.77),
}
# The municipalities of the Valle de México metropolitan area dial 55.
METRO_55 = {
    "15033", "15058", "15057", "15104", "15031", "15121", "15081", "15039", "15013", "15109",
    "15060", "15025", "15122", "15070", "15020", "15037", "15029", "15024", "15108", "15091",
    "15053", "15044", "15125", "15059", "15046", "15038", "15095", "15023", "15022", "15083",
    "15035",
}
# Postal code ranges of the larger municipalities; the rest get one from their region.
POSTAL_RANGES = {
    "15106": (50000, 50299), "15054": (52140, 52179), "15033": (55000, 55549),
    "15058": (57000, 57950), "15057": (53000, 53840), "15104": (54000, 54190),
    "15031": (56330, 56369), "15121": (54700, 54769), "15081": (55740, 55769),
    "15039": (56530, 56599), "15013": (52900, 52999), "15109": (54900, 54949),
    "15060": (54400, 54479), "15025": (56600, 56649), "15122": (56610, 56619),
    "15070": (56400, 56529), "15020": (55700, 55739), "15037": (52760, 52799),
    "15120": (55600, 55649), "15099": (56100, 56269), "15118": (51350, 51399),
    "15029": (56370, 56389), "15024": (54800, 54879), "15005": (50900, 50949),
    "15002": (55870, 55889), "15051": (52000, 52059), "15035": (54680, 54699),
    "15042": (50740, 50799), "15108": (54960, 54989), "15074": (50640, 50699),
    "15014": (50450, 50499), "15088": (52400, 52449), "15095": (54600, 54649),
    "15076": (52100, 52109), "15090": (52300, 52349), "15045": (54240, 54289),
    "15082": (51400, 51459), "15110": (51200, 51259), "15092": (55800, 55839),
    "15009": (56900, 56949), "15064": (50600, 50639), "15040": (51900, 51949),
    "15101": (52600, 52649), "15065": (55900, 55939), "15087": (50850, 50899),
}
# Names used in place of the official one ("Ecatepec", not "Ecatepec de Morelos").
SHORT_NAMES = {
    "15033": "Ecatepec", "15057": "Naucalpan", "15104": "Tlalnepantla", "15013": "Atizapán",
    "15020": "Coacalco", "15122": "Valle de Chalco", "15001": "Acambay",
    "15079": "Soyaniquilpan", "15121": "Cuautitlán Izcalli",
}


@dataclass(frozen=True)
class OtherState:
    name: str
    cluni_code: str
    phone_prefix: str
    postal_range: tuple[int, int]
    places: tuple[str, ...]
    serves: tuple[str, ...]
    weight: int = 1


OTHER_STATES = (
    OtherState("Ciudad de México", "09", "55", (1000, 16999),
               ("Iztapalapa", "Coyoacán", "Tlalpan", "Gustavo A. Madero", "Azcapotzalco"),
               ("15058", "15033", "15057", "15104", "15031", "15070"), 4),
    OtherState("Hidalgo", "13", "771", (42000, 42199), ("Pachuca", "Tula", "Tizayuca"),
               ("15120", "15081", "15036", "15010")),
    OtherState("Puebla", "21", "222", (72000, 72599), ("Puebla", "Cholula"), ("15009", "15068")),
    OtherState("Morelos", "17", "777", (62000, 62599), ("Cuernavaca", "Cuautla"),
               ("15050", "15094", "15063")),
    OtherState("Querétaro", "22", "442", (76000, 76249), ("Querétaro", "San Juan del Río"),
               ("15071", "15001", "15003")),
    OtherState("Michoacán", "16", "443", (58000, 58299), ("Morelia", "Zitácuaro"),
               ("15064", "15124")),
    OtherState("Tlaxcala", "29", "246", (90000, 90599), ("Tlaxcala", "Apizaco"),
               ("15065", "15016")),
    OtherState("Guerrero", "12", "747", (39000, 39099), ("Taxco", "Iguala"), ("15105", "15008")),
)

REJECT_REASONS = (
    "El RFC registrado no coincide con la constancia de situación fiscal. Corrígelo y sube la "
    "constancia vigente.",
    "Falta el acta constitutiva protocolizada ante notario; súbela en PDF para continuar.",
    "El objeto social del acta no corresponde a ninguna actividad del artículo 5 de la LFFAROC.",
    "El domicilio está fuera del Estado de México y no se acreditó trabajo en la entidad.",
)
DEACTIVATE_REASONS = (
    "La organización informó su disolución ante notario.",
    "Sin respuesta a tres solicitudes de actualización de datos en el último año.",
    "Baja solicitada por su representante legal.",
    "Se fusionó con otra organización del padrón.",
)

# --------------------------------------------------------------------------------------------
# Geography
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    short: str
    population: int
    lat: float
    lon: float


def places_from_catalogue() -> list[Place]:
    """The 125 municipalities in code order (the order matters for determinism)."""
    rows = db.session.scalars(select(Municipality).order_by(Municipality.code))
    return [Place(m.code, m.name, SHORT_NAMES.get(m.code, m.name), m.population_2020, m.lat,
                  m.lon) for m in rows]


def km(a: Place, b: Place) -> float:
    dx = (a.lon - b.lon) * 111.32 * math.cos(math.radians((a.lat + b.lat) / 2))
    dy = (a.lat - b.lat) * 110.57
    return math.hypot(dx, dy)


def neighbours(places: list[Place], limit: int = 4, radius_km: float = 30) -> dict[str, list]:
    """For each municipality, the nearest others within ``radius_km`` (by their centres)."""
    result = {}
    for place in places:
        near = sorted((km(place, other), other.code) for other in places
                      if other.code != place.code)
        result[place.code] = [code for distance, code in near[:limit] if distance <= radius_km]
    return result


def municipality_weights(places: list[Place], exponent: float = 1.0) -> list[float]:
    """Weights by population 2020; Toluca, the state capital, has more OSCs than its size."""
    return [p.population ** exponent * (1.8 if p.code == "15106" else 1.0) for p in places]


def phone_prefix(place: Place) -> str:
    if place.code in METRO_55:
        return "55"
    return min(PHONE_PREFIXES_CENTRES, key=lambda prefix: math.hypot(
        PHONE_PREFIXES_CENTRES[prefix][0] - place.lat,
        PHONE_PREFIXES_CENTRES[prefix][1] - place.lon))


def postal_range(place: Place) -> tuple[int, int]:
    if place.code in POSTAL_RANGES:
        return POSTAL_RANGES[place.code]
    lat, lon = place.lat, place.lon
    if lat >= 19.6 and lon < -99.5:
        return 50300, 50699  # north-west: Acambay, Aculco, El Oro
    if lon < -99.75:
        return 51000, 51699  # south-west: Valle de Bravo, Tejupilco, Amatepec
    if lat < 19.2 and lon < -99.2:
        return 51700, 52499  # south: Villa Guerrero, Malinalco, Ocuilan
    if lon < -99.35:
        return 52000, 52799  # rest of the Toluca valley
    if lat >= 19.6:
        return 55600, 55999  # north-east: Hueypoxtla, Apaxco, Temascalapa
    if lat < 19.25:
        return 56700, 56999  # the volcanoes: Atlautla, Ozumba, Juchitepec
    return 56000, 56299  # east: Atenco, Chiconcuac, Tepetlaoxtoc


# --------------------------------------------------------------------------------------------
# Identifiers
# --------------------------------------------------------------------------------------------

_RFC_SKIPPED_WORDS = frozenset({
    "DE", "DEL", "LA", "LAS", "LOS", "EL", "Y", "E", "EN", "PARA", "POR", "CON", "A", "AL",
    "SU", "SUS", "O", "U", "LO", "COMPANIA", "CIA", "SOCIEDAD", "SOC", "AC", "IAP", "IBP", "SC",
})
HOMOCLAVE_ALPHABET = "123456789ABCDEFGHIJKLMNPQRSTUVWXYZ"


@lru_cache(maxsize=8192)
def rfc_letters(name: str) -> str:
    """The three letters SAT takes from a persona moral's name.

    Articles, prepositions and the legal form are left out; with three or more words the
    initials of the first three, with two the initial of the first and two letters of the
    second, with one its first three letters.
    """
    words = [w for w in re.split(r"[^A-Z]+", fold(name).upper().replace(".", ""))
             if w and w not in _RFC_SKIPPED_WORDS]
    if len(words) >= 3:
        letters = "".join(w[0] for w in words[:3])
    elif len(words) == 2:
        letters = words[0][0] + words[1][:2]
    else:
        letters = (words[0] if words else "")[:3]
    return letters.ljust(3, "X")


def make_rfc(rng: random.Random, name: str, constituted_on: date) -> str:
    body = (rfc_letters(name) + constituted_on.strftime("%y%m%d")
            + "".join(rng.choice(HOMOCLAVE_ALPHABET) for _ in range(2)))
    return body + v.rfc_check_digit(body)


def make_cluni(rng: random.Random, name: str, constituted_on: date, state_code: str) -> str:
    return (rfc_letters(name) + constituted_on.strftime("%y%m%d") + state_code
            + f"{rng.randint(1, 99):02d}" + rng.choice(HOMOCLAVE_ALPHABET))


def make_phone(rng: random.Random, prefix: str) -> str:
    rest = 10 - len(prefix)
    return prefix + str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9))
                                                      for _ in range(rest - 1))


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def full_person_name(rng: random.Random) -> str:
    return f"{person_name(rng)} {rng.choice(SURNAMES)}"


@lru_cache(maxsize=8192)
def handle_for(name: str) -> str:
    """A short web handle from the significant words of a name: the first two and the last,
    "red-mujeres-toluca" for "Red de Mujeres por una Vida Libre de Violencia de Toluca"."""
    words = [w for w in slugify(name).split("-") if w.upper() not in _RFC_SKIPPED_WORDS]
    if len(words) > 3:
        words = [*words[:2], words[-1]]
    return "-".join(words) or "osc"


# --------------------------------------------------------------------------------------------
# One organization's data
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def cause_weights(municipality_code: str | None) -> tuple[float, ...]:
    """How likely each cause is in a municipality: indigenous and migrant OSCs are where
    indigenous peoples live and where the train passes."""
    weights = []
    for cause in CAUSES:
        weight = cause.weight
        if cause.key == "indigenas":
            weight *= 6 if municipality_code in INDIGENOUS_PEOPLES else 0.3
        elif cause.key == "migrantes":
            weight *= 4 if municipality_code in MIGRANT_ROUTE else 0.3
        weights.append(weight)
    return tuple(weights)


def pick_cause(rng: random.Random, municipality_code: str | None) -> Cause:
    return rng.choices(CAUSES, weights=cause_weights(municipality_code))[0]


def make_name(rng: random.Random, cause: Cause, place_name: str,
              municipality_code: str | None) -> str:
    people = INDIGENOUS_PEOPLES.get(municipality_code or "")
    templates = cause.names + (cause.indigenous_names if people else ())
    return rng.choice(templates).format(place=place_name, person=person_name(rng),
                                        people=people or "")


def make_mission(rng: random.Random, cause: Cause, place_name: str | None,
                 year: int | None) -> str:
    """2 to 4 sentences: an opening (with where and since when), one or two actions, and
    sometimes a closing. ``place_name``/``year`` None leave them out (fewer distinct texts)."""
    where = f" en {place_name}" if place_name else ""
    opening = rng.choice(cause.openings).format(where=where)
    opening = f"Desde {year}, {opening}" if year else opening[0].upper() + opening[1:]
    sentences = [opening, *rng.sample(cause.actions, rng.choice((1, 1, 2)))]
    if rng.random() < 0.6:
        sentences.append(rng.choice(cause.closings))
    return " ".join(sentences)


def social_object(cause: Cause) -> str:
    text = (f"{cause.purpose}, sin fines de lucro y en beneficio de terceros, en los términos "
            "del artículo 5 de la Ley Federal de Fomento a las Actividades Realizadas por "
            "Organizaciones de la Sociedad Civil.")
    return "La asociación tiene por objeto " + text


def pick_areas(rng: random.Random, cause: Cause) -> list[str]:
    extra = rng.choice((0, 1, 1, 2))
    return [cause.areas[0], *rng.sample(cause.areas[1:], min(extra, len(cause.areas) - 1))]


def pick_populations(rng: random.Random, cause: Cause) -> list[str]:
    extra = rng.choice((0, 1, 1, 2))
    pool = cause.populations[1:]
    return [cause.populations[0], *rng.sample(pool, min(extra, len(pool)))]


def pick_legal_form(rng: random.Random, areas: list[str]) -> str:
    roll = rng.random()
    if areas[0] in ASSISTANCE_AREAS and roll < 0.3:
        return "IAP"
    if roll > 0.97:
        return "IBP"
    if roll > 0.92:
        return "SC"
    return "AC"


def constitution_date(rng: random.Random, first: int = 1985, last: int = 2024) -> date:
    """Skewed to recent years, as most OSCs of the padrón are young."""
    year = first + int((last - first + 1) * rng.random() ** 0.6)
    start = date(year, 1, 1)
    return start + timedelta(days=rng.randrange((date(year + 1, 1, 1) - start).days))


def make_address(rng: random.Random) -> str:
    number = rng.randint(1, 480)
    if rng.random() < 0.15:
        return (f"Manzana {rng.randint(1, 60)} Lote {rng.randint(1, 40)}, "
                f"Col. {rng.choice(COLONIAS)}")
    return f"{rng.choice(STREET_KINDS)} {rng.choice(STREETS)} {number}, Col. {rng.choice(COLONIAS)}"


def social_links(rng: random.Random, handle: str, letters: str, place_short: str) -> dict:
    compact = handle.replace("-", "")
    links = {}
    if rng.random() < 0.65:
        links["facebook"] = compact[:50] if len(compact) >= 5 else compact + "osc"
    if rng.random() < 0.3:
        links["instagram"] = compact[:30]
    if rng.random() < 0.15:
        links["x"] = (letters.lower() + slugify(place_short).replace("-", ""))[:15]
    if rng.random() < 0.08:
        links["youtube"] = compact[:30]
    if rng.random() < 0.06:
        links["tiktok"] = compact[:24]
    return links


# --------------------------------------------------------------------------------------------
# One whole OSC
# --------------------------------------------------------------------------------------------


@dataclass
class FakeOSC:
    """``fields``: the registration form as its admin would send it (``services.register``);
    ``handle``: the web handle its site and addresses are made from."""

    fields: dict
    handle: str


def fake_osc(rng: random.Random, place: Place | None, state: OtherState | None = None, *,
             near: dict[str, list[str]], first_year: int = 1985,
             name_ok: Callable[[str], bool] | None = None,
             handle: Callable[[str], str] = handle_for,
             varied_mission: bool = True) -> FakeOSC:
    """One fictional OSC in ``place``, or, with ``place`` None, in another ``state``.

    ``near``: each municipality's neighbours (``neighbours(places)``), some of which it also
    serves. ``first_year``: the earliest year it may have been constituted. ``name_ok``
    refuses a name (one already taken): another cause and name are drawn, up to 100 times.
    ``handle(name)``: the handle of its website and mail addresses. ``varied_mission``
    False leaves place and year out of the mission, so that thousands of OSCs share a few
    hundred texts (``seed-scale`` renders each distinct text once).
    """
    code = place.code if place else None
    place_name = place.short if place else rng.choice(state.places)
    for _attempt in range(100):  # a few causes have few names: pick again until new
        cause = pick_cause(rng, code)
        name = make_name(rng, cause, place_name, code)
        if name_ok is None or name_ok(name):
            break
    areas = pick_areas(rng, cause)
    legal_form = pick_legal_form(rng, areas)
    constituted = constitution_date(rng, first_year)
    web = handle(name)
    fields = {
        "name": name,
        "legal_name": f"{name}, {LEGAL_SUFFIXES[legal_form]}",
        "legal_form": legal_form,
        "constituted_on": constituted.isoformat(),
        "municipality_code": code or OTHER_STATE,
        "other_state": state.name if state else "",
        "activities": areas,
        "populations": pick_populations(rng, cause),
    }
    at_place, with_year = rng.random() < 0.7, rng.random() < 0.5
    fields["mission"] = make_mission(
        rng, cause, place_name if at_place and varied_mission else None,
        constituted.year if with_year and varied_mission else None)
    if rng.random() < 0.96:
        fields["rfc"] = make_rfc(rng, name, constituted)
    if rng.random() < 0.6:
        fields["cluni"] = make_cluni(rng, name, constituted, state.cluni_code if state else "15")
    if rng.random() < 0.85:
        notary_place = (rng.choice((place.name, "Toluca", "Tlalnepantla de Baz",
                                    "Naucalpan de Juárez", "Ecatepec de Morelos", "Texcoco"))
                        + ", Estado de México") if place else f"{place_name}, {state.name}"
        fields.update(deed_number=str(rng.randint(800, 98000)),
                      deed_notary=(f"Notaría Pública núm. {rng.randint(1, 190)}, "
                                   f"Lic. {full_person_name(rng)}"),
                      deed_place=notary_place)
    if rng.random() < 0.3:
        earliest = max(constituted + timedelta(days=200), date(2005, 1, 1))
        span = max(1, (date(2025, 6, 30) - earliest).days)
        since = min(earliest + timedelta(days=rng.randrange(span)), v.local_today())
        fields.update(sat_donee=True, sat_donee_since=since.isoformat())
    if place and rng.random() < 0.5:
        fields["social_registry_folio"] = (
            f"RSE/{rng.randint(max(2012, constituted.year), 2025)}/{rng.randint(1, 2700):05d}")
    if rng.random() < 0.9:
        fields["address"] = make_address(rng)
        low, high = postal_range(place) if place else state.postal_range
        fields["postal_code"] = f"{rng.randint(low, high):05d}"
    if rng.random() < 0.9:
        fields["phone"] = make_phone(rng, phone_prefix(place) if place else state.phone_prefix)
    website = rng.random() < 0.5
    if website:
        fields["website"] = f"https://{web}{WEB_SUFFIX}"
    if rng.random() < 0.9:
        fields["public_email"] = (f"{rng.choice(('contacto', 'info', 'hola', 'direccion'))}@"
                                  f"{web}{WEB_SUFFIX}" if website
                                  else f"{web.replace('-', '.')}@correo.example")
    fields["social_links"] = social_links(rng, web, rfc_letters(name), place_name)
    if rng.random() < 0.7:
        fields["social_object"] = social_object(cause)
    served = ([code, *rng.sample(near[code], rng.randint(0, min(3, len(near[code]))))]
              if place else rng.sample(state.serves, rng.randint(1, 2)))
    fields["served_municipalities"] = [c for c in served if c in near]
    return FakeOSC(fields, web)
